package io.vgpufleet.agent.persistence;

import io.vgpufleet.agent.kernel.HostWriter;
import io.vgpufleet.agent.kernel.KernelError;
import java.io.IOException;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link HostWriter} that keeps mdevctl's definitions in step: an mdev the kernel created is defined
 * (auto-start), one it removed is undefined. {@code CreateVgpu} and {@code PrepareMigrationTarget} both
 * create through {@link #createMdev}, {@code RemoveVgpu} and their compensations remove through {@link
 * #removeMdev}. A definition that cannot be written is logged: the vGPU exists, and the next start reports
 * it as drift.
 */
public final class DefiningHostWriter implements HostWriter {

    private static final Logger log = LoggerFactory.getLogger(DefiningHostWriter.class);
    private final HostWriter kernel;
    private final MdevDefinitions definitions;

    public DefiningHostWriter(HostWriter kernel, MdevDefinitions definitions) {
        this.kernel = kernel;
        this.definitions = definitions;
    }

    @Override
    public void createMdev(String parentBdf, String typeId, String uuid) throws KernelError {
        kernel.createMdev(parentBdf, typeId, uuid);
        try {
            definitions.define(new MdevDefinition(parentBdf, uuid, typeId, true));
        } catch (IOException | RuntimeException e) {
            log.warn("mdev {} was created but its mdevctl definition was not written: {}", uuid, e.toString());
        }
    }

    @Override
    public void removeMdev(String uuid) throws KernelError {
        kernel.removeMdev(uuid);
        try {
            definitions.undefine(uuid);
        } catch (IOException | RuntimeException e) {
            log.warn("mdev {} was removed but its mdevctl definition was not: {}", uuid, e.toString());
        }
    }

    @Override
    public void assignVirtualFunction(String virtualFunctionBdf, String typeId, String vgpuUuid) throws KernelError {
        kernel.assignVirtualFunction(virtualFunctionBdf, typeId, vgpuUuid);
    }

    @Override
    public void clearVirtualFunction(String virtualFunctionBdf) throws KernelError {
        kernel.clearVirtualFunction(virtualFunctionBdf);
    }

    @Override
    public void writeMdevParams(String uuid, Map<String, String> params) throws KernelError {
        kernel.writeMdevParams(uuid, params);
    }

    @Override
    public void writeVirtualFunctionParams(String virtualFunctionBdf, Map<String, String> params) throws KernelError {
        kernel.writeVirtualFunctionParams(virtualFunctionBdf, params);
    }

    @Override
    public void writeMigrationVersion(String parentBdf, String typeId, String migrationVersion) throws KernelError {
        kernel.writeMigrationVersion(parentBdf, typeId, migrationVersion);
    }
}
