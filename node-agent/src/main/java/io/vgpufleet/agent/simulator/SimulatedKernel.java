package io.vgpufleet.agent.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.discovery.SysfsException;
import io.vgpufleet.agent.discovery.SysfsNames;
import io.vgpufleet.agent.discovery.SysfsText;
import io.vgpufleet.agent.discovery.TypeDescriptionParser;
import io.vgpufleet.agent.kernel.KernelError;
import io.vgpufleet.contracts.Checks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Answers writes to a simulated host's tree the way the kernel and NVIDIA's vGPU driver answer them
 * on a real host, changing the tree as they would.
 *
 * <ul>
 *   <li>mdev {@code create}: {@code ENODEV} for a parent that is not on the mdev bus, {@code ENOENT} for
 *       a type the parent does not have, {@code EINVAL} for a malformed UUID, {@code EEXIST} for a UUID in
 *       use, {@code EUSERS} when {@code available_instances} is 0. On success: the device directory
 *       under the parent with its {@code mdev_type} link, the type's {@code devices/} link, the {@code
 *       bus/mdev/devices} link, and {@code available_instances} lowered.
 *   <li>The homogeneous rule: once a pGPU holds a vGPU of one type, every other type shows {@code
 *       available_instances} 0 until the last vGPU is removed.
 *   <li>vendor VFIO: a type id written to a free VF's {@code current_vgpu_type} creates a vGPU if the
 *       VF lists it in {@code creatable_vgpu_types} ({@code EINVAL} otherwise, {@code EBUSY} if the VF
 *       holds one); every VF's list then shrinks to what still fits.
 * </ul>
 *
 * <p>Thread-safe: writes are serialised, as the driver serialises them per device.
 */
public final class SimulatedKernel {

    private static final String CREATABLE_HEADER = "ID    : vGPU Name";

    private final Path root;

    public SimulatedKernel(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public synchronized void create(String parentBdf, String typeId, String uuid) throws KernelError {
        Path parent = mdevParent(parentBdf);
        if (!SysfsNames.isMdevTypeId(typeId) || !Files.isDirectory(parent.resolve("mdev_supported_types").resolve(typeId))) {
            throw new KernelError(KernelError.ENOENT, parentBdf + " has no type '" + Checks.printable(typeId) + "'");
        }
        Path typeDir = parent.resolve("mdev_supported_types").resolve(typeId);
        if (!SysfsNames.isUuid(uuid)) {
            throw new KernelError(KernelError.EINVAL, "'" + Checks.printable(uuid) + "' is not a UUID");
        }
        Path busLink = realRoot().resolve("bus/mdev/devices").resolve(uuid);
        if (Files.exists(busLink, LinkOption.NOFOLLOW_LINKS)) {
            throw new KernelError(KernelError.EEXIST, "mdev " + uuid + " already exists");
        }
        if (readCount(typeDir.resolve("available_instances")) == 0) {
            throw new KernelError(KernelError.EUSERS, "no instance of " + typeId + " is available on " + parentBdf);
        }
        io(() -> {
            Path device = parent.resolve(uuid);
            Files.createDirectories(device.resolve("nvidia"));
            Files.createSymbolicLink(device.resolve("mdev_type"), root.getFileSystem().getPath("..", "mdev_supported_types", typeId));
            Files.writeString(device.resolve("remove"), "");
            Files.writeString(device.resolve("nvidia/vgpu_params"), "");
            Path typeVersion = typeDir.resolve("migration_version");
            if (Files.isRegularFile(typeVersion)) {
                Files.copy(typeVersion, device.resolve("migration_version"));
            }
            Files.createSymbolicLink(typeDir.resolve("devices").resolve(uuid), root.getFileSystem().getPath("../../..", uuid));
            Files.createSymbolicLink(busLink, busLink.getParent().relativize(device));
            refreshAvailability(parent);
        });
    }

    /**
     * A write to a type's {@code migration_version}: accepted where the source's version string is this
     * type's own (same driver branch, same type), {@code EINVAL} otherwise, {@code ENOENT} where the type
     * has no such attribute.
     */
    public synchronized void writeMigrationVersion(String parentBdf, String typeId, String migrationVersion)
            throws KernelError {
        Path parent = mdevParent(parentBdf);
        Path typeDir = parent.resolve("mdev_supported_types").resolve(typeId);
        if (!SysfsNames.isMdevTypeId(typeId) || !Files.isDirectory(typeDir)) {
            throw new KernelError(KernelError.ENOENT, parentBdf + " has no type '" + Checks.printable(typeId) + "'");
        }
        Path attribute = typeDir.resolve("migration_version");
        if (!Files.isRegularFile(attribute)) {
            throw new KernelError(KernelError.ENOENT, typeId + " on " + parentBdf + " has no migration_version");
        }
        String own = parsed(() -> read(attribute)).strip();
        if (!own.equals(migrationVersion.strip())) {
            throw new KernelError(KernelError.EINVAL, "migration_version '" + Checks.printable(migrationVersion, 200)
                    + "' is not compatible with " + typeId + " on " + parentBdf);
        }
    }

    public synchronized void remove(String uuid) throws KernelError {
        Path device = mdevDevice(uuid);
        Path parent = device.getParent();
        Path busLink = realRoot().resolve("bus/mdev/devices").resolve(uuid);
        io(() -> {
            Path type = Files.readSymbolicLink(device.resolve("mdev_type")).getFileName();
            if (type != null) {
                Files.deleteIfExists(parent.resolve("mdev_supported_types").resolve(type.toString()).resolve("devices")
                        .resolve(uuid));
            }
            Files.delete(busLink);
            deleteTree(device);
            refreshAvailability(parent);
        });
    }

    /**
     * What a reboot does to the kernel's state: every mdev is gone, with its {@code bus/mdev/devices}
     * link, and every VF holds no vGPU again. What lives on disk stays (mdevctl's definitions, the
     * simulator's catalogue), which is what the agent's start-up reconcile repairs from.
     */
    public synchronized void reboot() throws KernelError {
        Path devices = realRoot().resolve("bus/mdev/devices");
        Path vfVgpus = realRoot().resolve("simulator/vf-vgpus");
        List<String> mdevs = new ArrayList<>();
        List<String> vfs = new ArrayList<>();
        io(() -> {
            mdevs.addAll(names(devices));
            vfs.addAll(names(vfVgpus));
        });
        for (String uuid : mdevs) {
            if (SysfsNames.isUuid(uuid)) {
                remove(uuid);
            }
        }
        for (String vf : vfs) {
            if (SysfsNames.isPciBdf(vf)) {
                clearVirtualFunction(vf);
            }
        }
    }

    private static List<String> names(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(entry -> String.valueOf(entry.getFileName())).sorted().toList();
        }
    }

    public synchronized void writeMdevParams(String uuid, String params) throws KernelError {
        Path device = mdevDevice(uuid);
        io(() -> Files.writeString(device.resolve("nvidia/vgpu_params"), params + "\n"));
    }

    public synchronized void assignVirtualFunction(String vfBdf, String typeId, String vgpuUuid) throws KernelError {
        Path nvidia = virtualFunction(vfBdf);
        if (!SysfsNames.isUuid(vgpuUuid)) {
            throw new KernelError(KernelError.EINVAL, "'" + Checks.printable(vgpuUuid) + "' is not a UUID");
        }
        if (currentType(nvidia).isPresent()) {
            throw new KernelError(KernelError.EBUSY, vfBdf + " already holds a vGPU");
        }
        List<String> creatable = parsed(() -> SysfsText.creatableTypes(read(nvidia.resolve("creatable_vgpu_types"))))
                .stream().map(SysfsText.CreatableType::typeId).toList();
        if (!creatable.contains(typeId)) {
            throw new KernelError(KernelError.EINVAL, "type '" + Checks.printable(typeId) + "' is not creatable on " + vfBdf);
        }
        Path owned = realRoot().resolve("simulator/vf-vgpus");
        io(() -> {
            Files.writeString(nvidia.resolve("current_vgpu_type"), typeId + "\n");
            Files.createDirectories(owned);
            Files.writeString(owned.resolve(vfBdf), vgpuUuid + "\n");
            refreshCreatableTypes(physicalFunctionOf(vfBdf));
        });
    }

    public synchronized void clearVirtualFunction(String vfBdf) throws KernelError {
        Path nvidia = virtualFunction(vfBdf);
        if (currentType(nvidia).isEmpty()) {
            throw new KernelError(KernelError.ENODEV, vfBdf + " holds no vGPU");
        }
        Path owned = realRoot().resolve("simulator/vf-vgpus").resolve(vfBdf);
        io(() -> {
            Files.writeString(nvidia.resolve("current_vgpu_type"), "0\n");
            Files.writeString(nvidia.resolve("vgpu_params"), "\n");
            Files.deleteIfExists(owned);
            refreshCreatableTypes(physicalFunctionOf(vfBdf));
        });
    }

    public synchronized void writeVirtualFunctionParams(String vfBdf, String params) throws KernelError {
        Path nvidia = virtualFunction(vfBdf);
        io(() -> Files.writeString(nvidia.resolve("vgpu_params"), params + "\n"));
    }

    /** Rewrites every VF's {@code creatable_vgpu_types} of a PF from its catalogue and what its VFs hold. */
    synchronized void refreshCreatableTypes(String pfBdf) throws IOException {
        Path real = root.toRealPath();
        Path pf = real.resolve("bus/pci/devices").resolve(pfBdf).toRealPath();
        Map<String, String> names = new HashMap<>();
        Map<String, Integer> maxima = new HashMap<>();
        List<String> order = new ArrayList<>();
        for (String line : Files.readAllLines(real.resolve("simulator/vgpu-types").resolve(pfBdf), UTF_8)) {
            String[] parts = line.split(" : ");
            if (parts.length == 3) {
                order.add(parts[0]);
                names.put(parts[0], parts[1]);
                maxima.put(parts[0], Integer.parseInt(parts[2].strip()));
            }
        }
        List<Path> vfs = new ArrayList<>();
        Map<String, Integer> inUse = new HashMap<>();
        try (Stream<Path> entries = Files.list(pf)) {
            for (Path link : entries.filter(p -> SysfsNames.isVirtfnLink(p.getFileName().toString()))
                    .sorted(Comparator.comparing(Path::toString)).toList()) {
                Path nvidia = link.toRealPath().resolve("nvidia");
                vfs.add(nvidia);
                String current = read(nvidia.resolve("current_vgpu_type")).strip();
                if (!"0".equals(current)) {
                    inUse.merge(current, 1, Integer::sum);
                }
            }
        }
        List<String> creatable = inUse.isEmpty()
                ? order
                : inUse.entrySet().stream()
                        .filter(used -> used.getValue() < maxima.getOrDefault(used.getKey(), 0))
                        .map(Map.Entry::getKey)
                        .toList();
        StringBuilder free = new StringBuilder(CREATABLE_HEADER).append('\n');
        creatable.forEach(id -> free.append(id).append(" : ").append(names.get(id)).append('\n'));
        for (Path nvidia : vfs) {
            boolean occupied = !"0".equals(read(nvidia.resolve("current_vgpu_type")).strip());
            Files.writeString(nvidia.resolve("creatable_vgpu_types"), occupied ? CREATABLE_HEADER + "\n" : free.toString());
        }
    }

    private void refreshAvailability(Path parent) throws IOException {
        Map<Path, Integer> used = new HashMap<>();
        List<Path> types;
        try (Stream<Path> entries = Files.list(parent.resolve("mdev_supported_types"))) {
            types = entries.sorted().toList();
        }
        int total = 0;
        for (Path type : types) {
            try (Stream<Path> devices = Files.list(type.resolve("devices"))) {
                int count = (int) devices.count();
                used.put(type, count);
                total += count;
            }
        }
        for (Path type : types) {
            int max;
            try {
                max = TypeDescriptionParser.parse(read(type.resolve("description"))).maxInstances();
            } catch (SysfsException e) {
                max = 0;
            }
            int count = used.get(type);
            int available = total == 0 ? max : count > 0 ? Math.max(0, max - count) : 0;
            Files.writeString(type.resolve("available_instances"), available + "\n");
        }
    }

    private Path mdevParent(String parentBdf) throws KernelError {
        if (!SysfsNames.isPciBdf(parentBdf)) {
            throw new KernelError(KernelError.ENODEV, "'" + Checks.printable(parentBdf) + "' is not a PCI address");
        }
        Path link = realRoot().resolve("class/mdev_bus").resolve(parentBdf);
        if (!Files.isDirectory(link)) {
            throw new KernelError(KernelError.ENODEV, parentBdf + " is not on the mdev bus");
        }
        return realPath(link);
    }

    private Path mdevDevice(String uuid) throws KernelError {
        if (!SysfsNames.isUuid(uuid)) {
            throw new KernelError(KernelError.EINVAL, "'" + Checks.printable(uuid) + "' is not a UUID");
        }
        Path link = realRoot().resolve("bus/mdev/devices").resolve(uuid);
        if (!Files.isDirectory(link)) {
            throw new KernelError(KernelError.ENODEV, "no mdev " + uuid);
        }
        return realPath(link);
    }

    private Path virtualFunction(String vfBdf) throws KernelError {
        if (!SysfsNames.isPciBdf(vfBdf)) {
            throw new KernelError(KernelError.ENODEV, "'" + Checks.printable(vfBdf) + "' is not a PCI address");
        }
        Path nvidia = realRoot().resolve("bus/pci/devices").resolve(vfBdf).resolve("nvidia");
        if (!Files.isDirectory(nvidia)) {
            throw new KernelError(KernelError.ENODEV, vfBdf + " is not a vGPU-capable virtual function");
        }
        return realPath(nvidia);
    }

    private Optional<String> currentType(Path nvidia) throws KernelError {
        return parsed(() -> SysfsText.currentType(read(nvidia.resolve("current_vgpu_type"))));
    }

    private String physicalFunctionOf(String vfBdf) throws IOException {
        Path target = Files.readSymbolicLink(root.toRealPath().resolve("bus/pci/devices").resolve(vfBdf).resolve("physfn"));
        return String.valueOf(target.getFileName());
    }

    private int readCount(Path file) throws KernelError {
        return parsed(() -> SysfsText.count(read(file), "available_instances"));
    }

    private Path realRoot() throws KernelError {
        return realPath(root);
    }

    private static Path realPath(Path path) throws KernelError {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new KernelError(KernelError.ENODEV, "cannot resolve " + path.getFileName() + ": " + e.getMessage());
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, UTF_8);
    }

    private interface FileWork {
        void run() throws IOException;
    }

    private interface Parse<T> {
        T get() throws IOException, SysfsException;
    }

    private static void io(FileWork work) throws KernelError {
        try {
            work.run();
        } catch (IOException e) {
            throw new KernelError(KernelError.EIO, "simulated driver failed: " + e.getMessage());
        }
    }

    private static <T> T parsed(Parse<T> parse) throws KernelError {
        try {
            return parse.get();
        } catch (IOException | SysfsException e) {
            throw new KernelError(KernelError.EIO, "simulated driver state unreadable: " + e.getMessage());
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }
}
