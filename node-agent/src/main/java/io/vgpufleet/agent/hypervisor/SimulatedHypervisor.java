package io.vgpufleet.agent.hypervisor;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.discovery.SysfsNames;
import io.vgpufleet.contracts.Checks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The simulated host's hypervisor: each VM is a file {@code simulator/vms/<vmId>} under the host's
 * tree holding the UUID of the vGPU it has attached (one a line). The simulated world is the directory
 * that holds the hosts' trees side by side (as the sandbox lays them out, {@code <hosts>/<hostId>/}):
 * a live migration moves the VM's file to {@code <hosts>/<targetHostId>/simulator/vms/}, naming the
 * target's vGPU, and succeeds at once; a target that is not in this world fails the migration.
 *
 * <p>Only names that passed {@link SysfsNames#isSafeSegment} become file names.
 */
public final class SimulatedHypervisor implements HypervisorPort {

    static final String VMS = "simulator/vms";

    private final Path root;

    public SimulatedHypervisor(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** Starts (or redefines) a VM with these vGPUs attached, as an operator's {@code virsh start} would. */
    public synchronized void run(String vmId, List<String> vgpuUuids) throws HypervisorException {
        checkName(vmId);
        for (String uuid : vgpuUuids) {
            if (!SysfsNames.isUuid(uuid)) {
                throw new HypervisorException("'" + Checks.printable(uuid) + "' is not a vGPU UUID");
            }
        }
        write(root, vmId, vgpuUuids);
    }

    /** Destroys and undefines a VM; false when no such VM runs here. */
    public synchronized boolean destroy(String vmId) throws HypervisorException {
        checkName(vmId);
        try {
            return Files.deleteIfExists(root.resolve(VMS).resolve(vmId));
        } catch (IOException e) {
            throw new HypervisorException("cannot destroy VM " + vmId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<Domain> domains() throws HypervisorException {
        Path dir = root.resolve(VMS);
        List<Domain> domains = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return domains;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = String.valueOf(file.getFileName());
                if (!SysfsNames.isSafeSegment(name)) {
                    continue;
                }
                List<String> uuids = Files.readAllLines(file, UTF_8).stream().map(String::strip)
                        .filter(SysfsNames::isUuid).toList();
                domains.add(new Domain(name, true, uuids, List.of()));
            }
        } catch (IOException e) {
            throw new HypervisorException("cannot read the simulated VMs: " + e.getMessage(), e);
        }
        return domains;
    }

    @Override
    public synchronized void migrateLive(String domain, String targetHostId, String sourceVgpuUuid,
            String targetVgpuUuid) throws HypervisorException {
        checkName(domain);
        try {
            Checks.validHostId(targetHostId, "targetHostId");
        } catch (IllegalArgumentException e) {
            throw new HypervisorException(e.getMessage());
        }
        Path source = root.resolve(VMS).resolve(domain);
        if (!Files.isRegularFile(source)) {
            throw new HypervisorException("no VM " + domain + " runs on this simulated host");
        }
        Path world = root.getParent();
        Path target = world == null ? null : world.resolve(targetHostId);
        if (target == null || !Files.isDirectory(target.resolve("simulator"))) {
            throw new HypervisorException("host " + targetHostId + " is not a simulated host beside this one");
        }
        try {
            List<String> attached = Files.readAllLines(source, UTF_8).stream().map(String::strip).toList();
            if (!attached.contains(sourceVgpuUuid)) {
                throw new HypervisorException("VM " + domain + " has no vGPU " + sourceVgpuUuid + " attached");
            }
            List<String> moved = attached.stream().map(uuid -> uuid.equals(sourceVgpuUuid) ? targetVgpuUuid : uuid).toList();
            write(target, domain, moved);
            Files.delete(source);
        } catch (IOException e) {
            throw new HypervisorException("simulated migration failed: " + e.getMessage(), e);
        }
    }

    private static void write(Path hostRoot, String vmId, List<String> uuids) throws HypervisorException {
        try {
            Path dir = hostRoot.resolve(VMS);
            Files.createDirectories(dir);
            Path temporary = dir.resolve("." + vmId + ".tmp");
            Files.write(temporary, uuids, UTF_8);
            Files.move(temporary, dir.resolve(vmId), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HypervisorException("cannot record VM " + vmId + ": " + e.getMessage(), e);
        }
    }

    private static void checkName(String vmId) throws HypervisorException {
        if (!SysfsNames.isSafeSegment(vmId) || vmId.startsWith(".")) {
            throw new HypervisorException("'" + Checks.printable(vmId) + "' is not a VM name the simulator takes");
        }
    }
}
