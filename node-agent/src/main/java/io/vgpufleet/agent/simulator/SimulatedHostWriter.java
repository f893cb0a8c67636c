package io.vgpufleet.agent.simulator;

import io.vgpufleet.agent.discovery.SysfsText;
import io.vgpufleet.agent.kernel.HostWriter;
import io.vgpufleet.agent.kernel.KernelError;
import java.util.Map;

/**
 * The agent's writer on a simulated host: where the real writer writes an attribute and the kernel
 * reacts, this one asks the {@link SimulatedKernel} to react, which changes the tree.
 */
public final class SimulatedHostWriter implements HostWriter {

    private final SimulatedKernel kernel;

    public SimulatedHostWriter(SimulatedKernel kernel) {
        this.kernel = kernel;
    }

    @Override
    public void createMdev(String parentBdf, String typeId, String uuid) throws KernelError {
        kernel.create(parentBdf, typeId, uuid);
    }

    @Override
    public void removeMdev(String uuid) throws KernelError {
        kernel.remove(uuid);
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
        kernel.writeMdevParams(uuid, SysfsText.formatVgpuParams(params));
    }

    @Override
    public void writeVirtualFunctionParams(String virtualFunctionBdf, Map<String, String> params) throws KernelError {
        kernel.writeVirtualFunctionParams(virtualFunctionBdf, SysfsText.formatVgpuParams(params));
    }

    @Override
    public void writeMigrationVersion(String parentBdf, String typeId, String migrationVersion) throws KernelError {
        kernel.writeMigrationVersion(parentBdf, typeId, migrationVersion);
    }
}
