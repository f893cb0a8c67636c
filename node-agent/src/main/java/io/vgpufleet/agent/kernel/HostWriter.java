package io.vgpufleet.agent.kernel;

import java.util.Map;

/**
 * The port through which the agent changes its host. Callers pass values that already passed the
 * contract checks; implementations check them again before any of them becomes part of a path.
 *
 * <pre>{@code
 * writer.createMdev("0000:3b:00.0", "nvidia-289", uuid);   // echo $uuid > .../nvidia-289/create
 * writer.writeMdevParams(uuid, Map.of("frame_rate_limiter", "0"));
 * writer.removeMdev(uuid);                                 // echo 1 > /sys/bus/mdev/devices/$uuid/remove
 * }</pre>
 */
public interface HostWriter {

    void createMdev(String parentBdf, String typeId, String uuid) throws KernelError;

    void removeMdev(String uuid) throws KernelError;

    /**
     * Writes a numeric type id to a VF's {@code current_vgpu_type}. {@code vgpuUuid} is the id the
     * control plane asked for; a real driver assigns its own instance UUID, so only the simulator can
     * honour it.
     */
    void assignVirtualFunction(String virtualFunctionBdf, String typeId, String vgpuUuid) throws KernelError;

    /** Writes {@code 0} to a VF's {@code current_vgpu_type}, deleting its vGPU. */
    void clearVirtualFunction(String virtualFunctionBdf) throws KernelError;

    void writeMdevParams(String uuid, Map<String, String> params) throws KernelError;

    void writeVirtualFunctionParams(String virtualFunctionBdf, Map<String, String> params) throws KernelError;

    /**
     * Writes a source's {@code migration_version} to this host's type attribute ({@code
     * mdev_supported_types/<type>/migration_version}): success means the source can migrate to this
     * type here; the kernel's error (e.g. {@code EINVAL}) means it cannot; {@code ENOENT} (no attribute)
     * means the type is not migratable this way.
     */
    void writeMigrationVersion(String parentBdf, String typeId, String migrationVersion) throws KernelError;
}
