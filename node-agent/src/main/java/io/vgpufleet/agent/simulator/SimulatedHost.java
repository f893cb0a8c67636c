package io.vgpufleet.agent.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.host.HostKind;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Random;
import java.util.UUID;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lays out a simulated host's sysfs tree (see the package's documentation for the layout), or reuses
 * the one already at the root, so that an agent restarted on the same root finds the vGPUs it made.
 *
 * <p>Deterministic: a profile and a seed always give the same PCI addresses, GPU UUIDs and tree.
 *
 * <pre>{@code
 * SimulatedHost host = SimulatedHost.layOut(root, HostProfile.MIXED, 42);
 * SimulatedKernel kernel = new SimulatedKernel(host.root());
 * }</pre>
 */
public final class SimulatedHost {

    private static final Logger log = LoggerFactory.getLogger(SimulatedHost.class);

    static final String DRIVER_VERSION = "550.90.05";
    static final String HOST_FILE = "simulator/host.properties";
    /** The simulated {@code /proc}: {@code <pid>/comm}; the vGPU manager runs unless its entry is removed. */
    static final String PROC = "simulator/proc";
    static final String MANAGER_PID = "2817";
    private static final int[] PLAUSIBLE_BUSES = {
        0x06, 0x07, 0x0a, 0x0b, 0x18, 0x1a, 0x3b, 0x3d, 0x5e, 0x60, 0x86, 0x88, 0xaf, 0xb1, 0xd8, 0xda
    };
    private static final int FIRST_VF_OFFSET = 4;
    private static final String[] CPUS_BY_NODE = {"0-15,32-47", "16-31,48-63"};

    private final Path root;
    private final HostProfile profile;
    private final long seed;

    private SimulatedHost(Path root, HostProfile profile, long seed) {
        this.root = root;
        this.profile = profile;
        this.seed = seed;
    }

    public Path root() {
        return root;
    }

    public HostProfile profile() {
        return profile;
    }

    public long seed() {
        return seed;
    }

    /** The simulated host's {@code /proc}, where {@code nvidia-vgpu-mgr} runs by default. */
    public Path procRoot() {
        return root.resolve(PROC);
    }

    /**
     * Lays out the host under {@code root}, or reuses the simulated host already there (keeping its
     * own profile and seed, with a warning where they differ from the ones asked for).
     *
     * @throws IllegalStateException where {@code root} holds something that is not a simulated host
     */
    public static SimulatedHost layOut(Path root, HostProfile profile, long seed) {
        Path absolute = root.toAbsolutePath().normalize();
        try {
            Path hostFile = absolute.resolve(HOST_FILE);
            if (Files.exists(hostFile)) {
                return reuse(absolute, hostFile, profile, seed);
            }
            if (Files.isDirectory(absolute) && !isEmpty(absolute)) {
                throw new IllegalStateException(absolute + " is not empty and holds no simulated host; "
                        + "give --sysfs-root an empty or new directory");
            }
            new Layout(absolute).write(profile, seed);
            log.info("laid out a simulated {} host (seed {}) under {}", profile.optionName(), seed, absolute);
            return new SimulatedHost(absolute, profile, seed);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out a simulated host under " + absolute, e);
        }
    }

    private static SimulatedHost reuse(Path root, Path hostFile, HostProfile asked, long askedSeed) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(hostFile, UTF_8)) {
            properties.load(reader);
        }
        HostProfile profile = HostProfile.named(properties.getProperty("profile", ""))
                .orElseThrow(() -> new IllegalStateException(hostFile + " names no known profile"));
        long seed = Long.parseLong(properties.getProperty("seed", "0"));
        if (!Files.exists(root.resolve(PROC))) {
            // A tree laid out before the simulated /proc existed: its manager runs, as on a fresh one.
            Layout.vgpuManager(root);
        }
        if (profile != asked || seed != askedSeed) {
            log.warn("reusing the simulated {} host (seed {}) under {}; the {} profile and seed {} asked for are ignored",
                    profile.optionName(), seed, root, asked.optionName(), askedSeed);
        } else {
            log.info("reusing the simulated {} host (seed {}) under {}", profile.optionName(), seed, root);
        }
        return new SimulatedHost(root, profile, seed);
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        }
    }

    /**
     * The opaque {@code migration_version} a simulated type carries: the driver branch, the type id and
     * its name, so two simulated hosts of the same driver branch and type accept each other's string and
     * different types (or branches) refuse it. Real drivers write a string of their own making; only
     * equality-or-not matters to the agent.
     */
    static String migrationVersion(SimulatedType type) {
        String branch = DRIVER_VERSION.substring(0, DRIVER_VERSION.indexOf('.'));
        return "nvidia-vgpu-migration-v1 branch=" + branch + " type=" + type.id() + " name=" + type.name().replace(' ', '_');
    }

    /** The PCI address of a VF: the PF's devfn plus the first-VF offset plus the VF's index. */
    static String virtualFunctionBdf(int bus, int index) {
        int devfn = FIRST_VF_OFFSET + index;
        return String.format("0000:%02x:%02x.%x", bus, devfn >> 3, devfn & 7);
    }

    /** Writes the tree; one instance per lay-out. */
    private static final class Layout {

        private final Path root;

        Layout(Path root) {
            this.root = root;
        }

        void write(HostProfile profile, long seed) throws IOException {
            Random random = new Random(seed);
            List<Integer> buses = new ArrayList<>();
            for (int bus : PLAUSIBLE_BUSES) {
                buses.add(bus);
            }
            Collections.shuffle(buses, random);
            List<Integer> chosen = new ArrayList<>(buses.subList(0, profile.gpus().size()));
            Collections.sort(chosen);
            Files.createDirectories(root.resolve("bus/mdev/devices"));
            Files.createDirectories(root.resolve("class/mdev_bus"));
            Files.createDirectories(root.resolve("bus/pci/devices"));
            Files.createDirectories(root.resolve("module/nvidia_vgpu_vfio"));
            text(root.resolve("module/nvidia/version"), DRIVER_VERSION);
            vgpuManager(root);
            for (int i = 0; i < profile.gpus().size(); i++) {
                int numaNode = i < (profile.gpus().size() + 1) / 2 ? 0 : 1;
                String gpuUuid = "GPU-" + new UUID(random.nextLong(), random.nextLong());
                gpu(profile.gpus().get(i), chosen.get(i), numaNode, gpuUuid);
            }
            Properties host = new Properties();
            host.setProperty("profile", profile.optionName());
            host.setProperty("seed", Long.toString(seed));
            host.setProperty("driver_version", DRIVER_VERSION);
            try (Writer writer = Files.newBufferedWriter(root.resolve(HOST_FILE), UTF_8)) {
                host.store(writer, "simulated host: what the simulator itself needs to know");
            }
        }

        private void gpu(GpuModel model, int bus, int numaNode, String gpuUuid) throws IOException {
            String bdf = String.format("0000:%02x:00.0", bus);
            String bridge = String.format("pci0000:%02x", bus);
            Path dir = pciDevice(bridge, bdf, model, numaNode);
            Properties nvml = new Properties();
            nvml.setProperty("uuid", gpuUuid);
            nvml.setProperty("name", model.name());
            nvml.setProperty("memory_mib", Long.toString(model.memoryMib()));
            nvml.setProperty("ecc_mode", model.eccMode().name());
            nvml.setProperty("memory_repair", model.memoryRepair().name());
            nvml.setProperty("virtualization_mode", "HOST_VGPU");
            nvml.setProperty("host_vgpu_mode", model.hostKind() == HostKind.VENDOR_VFIO ? "SRIOV" : "NON_SRIOV");
            Files.createDirectories(root.resolve("simulator/nvml"));
            try (Writer writer = Files.newBufferedWriter(root.resolve("simulator/nvml/" + bdf + ".properties"), UTF_8)) {
                nvml.store(writer, "what simulated NVML answers for " + bdf);
            }
            if (model.hostKind() == HostKind.MDEV) {
                mdevParent(dir, model);
                Files.createSymbolicLink(root.resolve("class/mdev_bus").resolve(bdf),
                        root.getFileSystem().getPath("../../devices", bridge, bdf));
            } else {
                vendorVfioParent(dir, bridge, bdf, bus, model, numaNode);
            }
        }

        private Path pciDevice(String bridge, String bdf, GpuModel model, int numaNode) throws IOException {
            Path dir = root.resolve("devices").resolve(bridge).resolve(bdf);
            Files.createDirectories(dir);
            text(dir.resolve("vendor"), "0x10de");
            text(dir.resolve("device"), model.pciDeviceId());
            text(dir.resolve("class"), "0x030200");
            text(dir.resolve("numa_node"), Integer.toString(numaNode));
            text(dir.resolve("local_cpulist"), CPUS_BY_NODE[numaNode]);
            Files.createSymbolicLink(root.resolve("bus/pci/devices").resolve(bdf), root.getFileSystem().getPath("../../../devices", bridge, bdf));
            return dir;
        }

        private void mdevParent(Path dir, GpuModel model) throws IOException {
            for (SimulatedType type : model.types()) {
                Path typeDir = dir.resolve("mdev_supported_types").resolve(type.id());
                Files.createDirectories(typeDir.resolve("devices"));
                text(typeDir.resolve("name"), type.name());
                text(typeDir.resolve("description"), type.description(model.underscoreDescriptions()));
                text(typeDir.resolve("available_instances"), Integer.toString(type.maxInstances()));
                text(typeDir.resolve("device_api"), "vfio-pci");
                Files.createFile(typeDir.resolve("create"));
                text(typeDir.resolve("migration_version"), migrationVersion(type));
            }
        }

        private void vendorVfioParent(Path dir, String bridge, String bdf, int bus, GpuModel model, int numaNode)
                throws IOException {
            text(dir.resolve("sriov_totalvfs"), Integer.toString(model.virtualFunctions()));
            text(dir.resolve("sriov_numvfs"), Integer.toString(model.virtualFunctions()));
            List<String> catalogue = new ArrayList<>();
            model.types().forEach(type -> catalogue.add(type.id() + " : " + type.name() + " : " + type.maxInstances()));
            Files.createDirectories(root.resolve("simulator/vgpu-types"));
            Files.write(root.resolve("simulator/vgpu-types").resolve(bdf), catalogue, UTF_8);
            for (int index = 0; index < model.virtualFunctions(); index++) {
                String vf = virtualFunctionBdf(bus, index);
                Path vfDir = pciDevice(bridge, vf, model, numaNode);
                Files.createSymbolicLink(vfDir.resolve("physfn"), root.getFileSystem().getPath("..", bdf));
                Files.createSymbolicLink(dir.resolve("virtfn" + index), root.getFileSystem().getPath("..", vf));
                Files.createDirectories(vfDir.resolve("nvidia"));
                text(vfDir.resolve("nvidia/current_vgpu_type"), "0");
                text(vfDir.resolve("nvidia/vgpu_params"), "");
            }
            new SimulatedKernel(root).refreshCreatableTypes(bdf);
        }

        static void vgpuManager(Path root) throws IOException {
            text(root.resolve(PROC).resolve(MANAGER_PID).resolve("comm"), "nvidia-vgpu-mgr");
        }

        private static void text(Path file, String content) throws IOException {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content + "\n", UTF_8);
        }
    }
}
