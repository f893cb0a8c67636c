package io.vgpufleet.agent.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.discovery.SysfsNames;
import io.vgpufleet.agent.nvml.NvmlDevice;
import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.agent.nvml.NvmlPort;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.NvmlFacts;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * NVML as the simulated host answers it, from the simulator's own files ({@code simulator/nvml/<BDF>.properties},
 * {@code simulator/vf-vgpus/<VF>}). A device it has no file for answers {@code NVML_ERROR_NOT_FOUND},
 * as NVML does for a bus id it does not know. Memory health and events come from the host's {@link
 * SimulatedFaults}, which fault injection changes.
 */
public final class SimulatedNvml implements NvmlPort {

    private final Path root;
    private final SimulatedFaults faults;
    private final Map<Path, Cached> cache = new ConcurrentHashMap<>();

    /** NVML over the tree, with memory health of its own (no faults can reach it from outside). */
    public SimulatedNvml(Path root) {
        this(root, new SimulatedFaults(root, Clock.systemUTC()));
    }

    /** NVML over the tree whose health and events come from {@code faults} (shared with fault injection). */
    public SimulatedNvml(Path root, SimulatedFaults faults) {
        this.root = root.toAbsolutePath().normalize();
        this.faults = faults;
    }

    @Override
    public NvmlDevice deviceAt(String pciBdf) {
        if (!SysfsNames.isPciBdf(pciBdf)) {
            return NvmlDevice.unavailable("NVML_ERROR_INVALID_ARGUMENT");
        }
        Optional<Properties> facts = properties(root.resolve("simulator/nvml").resolve(pciBdf + ".properties"));
        if (facts.isEmpty()) {
            return NvmlDevice.unavailable("NVML_ERROR_NOT_FOUND");
        }
        Properties device = facts.get();
        try {
            return new NvmlDevice(
                    new NvmlFacts(NvmlFacts.AVAILABLE, device.getProperty("virtualization_mode"),
                            device.getProperty("host_vgpu_mode")),
                    device.getProperty("uuid"),
                    device.getProperty("name"),
                    Long.parseLong(device.getProperty("memory_mib", "0")),
                    EccMode.valueOf(device.getProperty("ecc_mode", "UNKNOWN")));
        } catch (IllegalArgumentException e) {
            return NvmlDevice.unavailable("NVML_ERROR_UNKNOWN");
        }
    }

    @Override
    public Optional<String> vgpuInstanceUuidOn(String virtualFunctionBdf) {
        if (!SysfsNames.isPciBdf(virtualFunctionBdf)) {
            return Optional.empty();
        }
        try {
            Path file = root.resolve("simulator/vf-vgpus").resolve(virtualFunctionBdf);
            return Files.exists(file) ? Optional.of(Files.readString(file, UTF_8).strip()).filter(SysfsNames::isUuid)
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    @Override
    public Optional<String> driverVersion() {
        return properties(root.resolve(SimulatedHost.HOST_FILE)).map(host -> host.getProperty("driver_version"));
    }

    /** The counters as fault injection left them; a lost GPU answers {@code NVML_ERROR_GPU_IS_LOST}. */
    @Override
    public NvmlHealthSample healthOf(String pciBdf) {
        if (!SysfsNames.isPciBdf(pciBdf)) {
            return NvmlHealthSample.unavailable(pciBdf, "NVML_ERROR_INVALID_ARGUMENT");
        }
        return faults.sample(pciBdf);
    }

    /** The next event fault injection queued, delivered at once. */
    @Override
    public Optional<NvmlEvent> awaitEvent(Duration timeout) throws InterruptedException {
        return faults.awaitEvent(timeout);
    }

    /** The prefix of the simulated {@code nvmlVgpuInstanceGetMetadata} blob. */
    static final String METADATA_PREFIX = "vgpu-sim-metadata-v1";
    /**
     * Per-host limits: {@code limit=HOST_DRIVER} for every pGPU, {@code limit.<BDF>=GPU} for one, the BDF's
     * colons written as underscores ({@code limit.0000_1a_00.0}: a colon separates key and value in a
     * properties file).
     */
    public static final String COMPATIBILITY_FILE = "simulator/nvml-compatibility.properties";
    private static final java.util.Set<String> LIMIT_CODES = java.util.Set.of("HOST_DRIVER", "GUEST_DRIVER", "GPU", "OTHER");

    /**
     * The simulated metadata of a vGPU of this host: {@code vgpu-sim-metadata-v1 driver=<host driver>
     * vgpu=<uuid>}, so a target can compare driver branches as the real driver compares versions.
     */
    @Override
    public Optional<byte[]> vgpuMigrationMetadata(String vgpuUuid) {
        if (!SysfsNames.isUuid(vgpuUuid)) {
            return Optional.empty();
        }
        return driverVersion().map(driver -> (METADATA_PREFIX + " driver=" + driver + " vgpu=" + vgpuUuid)
                .getBytes(UTF_8));
    }

    /**
     * Deterministic compatibility: a blob not of the simulator is {@code NVML_ERROR_INVALID_ARGUMENT}, an
     * unknown pGPU {@code NVML_ERROR_NOT_FOUND}; another driver branch on the source limits by {@code
     * HOST_DRIVER}; the host's {@link #COMPATIBILITY_FILE} adds limits ({@code limit} for every pGPU, {@code
     * limit.<BDF>} for one, colons as underscores), so tests can make a target refuse. No limit: every VM state, LIVE included;
     * otherwise COLD only.
     */
    @Override
    public io.vgpufleet.agent.nvml.VgpuCompatibility vgpuCompatibility(byte[] vgpuMetadata, String pciBdf) {
        String blob = new String(vgpuMetadata, UTF_8);
        if (!blob.startsWith(METADATA_PREFIX + " ")) {
            return io.vgpufleet.agent.nvml.VgpuCompatibility.failed("NVML_ERROR_INVALID_ARGUMENT");
        }
        if (!SysfsNames.isPciBdf(pciBdf) || properties(root.resolve("simulator/nvml").resolve(pciBdf + ".properties")).isEmpty()) {
            return io.vgpufleet.agent.nvml.VgpuCompatibility.failed("NVML_ERROR_NOT_FOUND");
        }
        java.util.Set<String> limits = new java.util.TreeSet<>();
        String sourceDriver = "";
        for (String field : blob.split(" ")) {
            if (field.startsWith("driver=")) {
                sourceDriver = field.substring("driver=".length());
            }
        }
        String ownDriver = driverVersion().orElse("");
        if (!branch(sourceDriver).equals(branch(ownDriver))) {
            limits.add("HOST_DRIVER");
        }
        Optional<Properties> configured = properties(root.resolve(COMPATIBILITY_FILE));
        if (configured.isPresent()) {
            for (String key : java.util.List.of("limit", "limit." + pciBdf.replace(':', '_'))) {
                for (String code : configured.get().getProperty(key, "").split(",")) {
                    if (LIMIT_CODES.contains(code.strip())) {
                        limits.add(code.strip());
                    }
                }
            }
        }
        if (limits.isEmpty()) {
            return new io.vgpufleet.agent.nvml.VgpuCompatibility(java.util.List.of("COLD", "HIBERNATE", "SLEEP", "LIVE"),
                    java.util.List.of("NONE"), null);
        }
        return new io.vgpufleet.agent.nvml.VgpuCompatibility(java.util.List.of("COLD"), java.util.List.copyOf(limits), null);
    }

    private static String branch(String driver) {
        int dot = driver.indexOf('.');
        return dot < 0 ? driver : driver.substring(0, dot);
    }

    /** A file's facts as last read, kept while its modification time and size stay the same. */
    private record Cached(FileTime modified, long size, Optional<Properties> properties) {}

    /**
     * The file's properties, read again only when its modification time or size changed: discovery asks
     * for every device every second, and the simulator rewrites these files only when it lays a host out.
     */
    private Optional<Properties> properties(Path file) {
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
        } catch (IOException e) {
            cache.remove(file);
            return Optional.empty();
        }
        if (!attributes.isRegularFile()) {
            return Optional.empty();
        }
        Cached cached = cache.get(file);
        if (cached != null && cached.modified().equals(attributes.lastModifiedTime()) && cached.size() == attributes.size()) {
            return cached.properties();
        }
        Properties properties = new Properties();
        Optional<Properties> read;
        try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
            properties.load(reader);
            read = Optional.of(properties);
        } catch (IOException | IllegalArgumentException e) {
            read = Optional.empty();
        }
        cache.put(file, new Cached(attributes.lastModifiedTime(), attributes.size(), read));
        return read;
    }
}
