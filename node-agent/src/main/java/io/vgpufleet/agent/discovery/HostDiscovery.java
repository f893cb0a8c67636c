package io.vgpufleet.agent.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.discovery.SysfsText.CreatableType;
import io.vgpufleet.agent.hypervisor.HypervisorPort;
import io.vgpufleet.agent.nvml.NvmlDevice;
import io.vgpufleet.agent.nvml.NvmlPort;
import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.host.VirtualFunction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a host from its sysfs tree and NVML into the contract's parts.
 *
 * <ul>
 *   <li>mdev pGPUs are the entries of {@code class/mdev_bus/}; their types are {@code
 *       mdev_supported_types/nvidia-<n>/}, their vGPUs the {@code devices/} of each type, with {@code
 *       bus/mdev/devices/<uuid>/nvidia/vgpu_params}.
 *   <li>vendor-VFIO pGPUs are NVIDIA physical functions in {@code bus/pci/devices/} with {@code
 *       virtfn<N>} links; each VF's {@code nvidia/creatable_vgpu_types} and {@code current_vgpu_type}
 *       give the types, the capacity (how many free VFs can take a type) and the vGPUs. sysfs does not
 *       say a type's frame buffer there: it is read from the type name ({@code H100XM-10C} is 10 GiB),
 *       and a type that no VF lists any more is remembered from earlier discoveries.
 *   <li>Where NVML cannot say a GPU's UUID, a placeholder stable per host and PCI address is reported
 *       (a name-based UUID of {@code <hostId>/<bdf>}), so the snapshot stays valid and steady.
 * </ul>
 *
 * <p>Never throws: a part that cannot be read is skipped or reported with what could be read, and the
 * reason goes to {@link DiscoveredHost#problems()}. Not thread-safe (one discovery at a time).
 */
public final class HostDiscovery {

    private static final Logger log = LoggerFactory.getLogger(HostDiscovery.class);
    private static final String NVIDIA_VENDOR = "0x10de";
    private static final Pattern TYPE_SIZE = Pattern.compile("-([0-9]{1,3})[QCBA]$");
    private static final Map<String, String> MODEL_BY_DEVICE_ID = Map.of(
            "0x1bb3", "Tesla P4",
            "0x1eb8", "Tesla T4",
            "0x20b0", "NVIDIA A100-SXM4-40GB",
            "0x2330", "NVIDIA H100 80GB HBM3");

    private final SysfsReader sysfs;
    private final NvmlPort nvml;
    private final String hostId;
    /** Type names per vendor-VFIO PF, once seen in some VF's {@code creatable_vgpu_types}. */
    private final Map<String, Map<String, String>> seenVfTypeNames = new ConcurrentHashMap<>();

    private final @Nullable HypervisorPort hypervisor;
    private final BooleanSupplier managerRunning;
    /**
     * A type's {@code name}, {@code description}, {@code device_api} and {@code migration_version}, by the
     * identity of its directory (file key and modification time). The driver writes them when it makes
     * the directory and never changes them; a reloaded driver makes new directories, so a new identity.
     * {@code available_instances} and {@code devices/} change and are read every time. Only identities
     * seen in the last discovery are kept.
     */
    private Map<Object, StaticType> staticTypes = new HashMap<>();
    /** Lines the agent found about the vGPU manager's state outside discovery (start-up reconcile). */
    private volatile List<String> standingProblems = List.of();
    private Map<Object, StaticType> staticTypesSeen = new HashMap<>();
    /**
     * PCI devices of the last discovery that are no NVIDIA physical function (another vendor's, or a VF),
     * by the identity of their {@code bus/pci/devices} entry (see {@link #isNvidiaPhysicalFunctionWithVfs}).
     */
    private Map<Object, Boolean> notPhysicalFunctions = new HashMap<>();

    /** A discovery that sees no {@code nvidia-vgpu-mgr} process (tests that do not look at it). */
    public HostDiscovery(SysfsReader sysfs, NvmlPort nvml, String hostId) {
        this(sysfs, nvml, hostId, null);
    }

    /** @param hypervisor where given, each vGPU's {@code vmId} is the domain that has it attached */
    public HostDiscovery(SysfsReader sysfs, NvmlPort nvml, String hostId, @Nullable HypervisorPort hypervisor) {
        this(sysfs, nvml, hostId, hypervisor, () -> false);
    }

    /**
     * @param managerRunning whether {@code nvidia-vgpu-mgr} runs, asked at every discovery (e.g. {@link
     *     VgpuManagerProbe#processRunning} over {@code /proc}); must not throw
     */
    public HostDiscovery(SysfsReader sysfs, NvmlPort nvml, String hostId, @Nullable HypervisorPort hypervisor,
            BooleanSupplier managerRunning) {
        this.sysfs = sysfs;
        this.nvml = nvml;
        this.hostId = Checks.validHostId(hostId, "hostId");
        this.hypervisor = hypervisor;
        this.managerRunning = managerRunning;
    }

    /**
     * Lines to report in every snapshot's {@code vgpuManager.problems} from now on, e.g. what the
     * start-up reconcile of mdevctl definitions repaired ({@code mdevctl repaired: ...}) or found
     * drifting ({@code mdevctl drift: ...}); the contract has no field of its own for them.
     */
    public void reportStanding(List<String> problems) {
        standingProblems = List.copyOf(problems);
    }

    public DiscoveredHost discover() {
        List<String> problems = new ArrayList<>();
        List<PhysicalGpu> gpus = new ArrayList<>();
        List<Vgpu> vgpus = new ArrayList<>();
        Set<String> mdevParents = new TreeSet<>();
        Map<String, MdevParent> readParents = new HashMap<>();
        for (String name : listOrReport(problems, "class", "mdev_bus")) {
            if (!SysfsNames.isPciBdf(name)) {
                problems.add("skipped class/mdev_bus entry '" + Checks.printable(name) + "': not a PCI address");
                continue;
            }
            mdevParents.add(name);
            readPart(problems, "mdev pGPU " + name, () -> discoverMdevGpu(name, gpus, readParents, problems));
        }
        if (!readParents.isEmpty()) {
            discoverMdevVgpus(readParents, vgpus, problems);
        }
        boolean anyVendorVfio = false;
        Map<Object, Boolean> notCandidates = new HashMap<>();
        for (String name : listOrReport(problems, "bus", "pci", "devices")) {
            if (!SysfsNames.isPciBdf(name) || mdevParents.contains(name)) {
                continue;
            }
            try {
                if (isNvidiaPhysicalFunctionWithVfs(name, notCandidates)) {
                    anyVendorVfio = true;
                    readPart(problems, "vendor-VFIO pGPU " + name, () -> discoverVfioGpu(name, gpus, vgpus, problems));
                }
            } catch (SysfsException e) {
                problems.add("skipped PCI device " + name + ": " + e.getMessage());
            }
        }
        gpus.sort(Comparator.comparing(PhysicalGpu::pciBdf));
        if (hypervisor != null) {
            attachVms(hypervisor, vgpus, problems);
        }
        vgpus.sort(Comparator.comparing(Vgpu::uuid));
        problems.forEach(problem -> log.warn("discovery: {}", problem));
        staticTypes = staticTypesSeen;
        staticTypesSeen = new HashMap<>();
        notPhysicalFunctions = notCandidates;
        HostKind kind = !mdevParents.isEmpty() || !anyVendorVfio ? HostKind.MDEV : HostKind.VENDOR_VFIO;
        return new DiscoveredHost(kind, vgpuManager(gpus), gpus, vgpus, problems);
    }

    /** Sets each vGPU's {@code vmId} from the hypervisor's domains (by mdev UUID, or by VF address). */
    private static void attachVms(HypervisorPort hypervisor, List<Vgpu> vgpus, List<String> problems) {
        List<HypervisorPort.Domain> domains;
        try {
            domains = hypervisor.domains();
        } catch (HypervisorPort.HypervisorException | RuntimeException e) {
            problems.add("cannot list the hypervisor's domains: " + Checks.printable(String.valueOf(e.getMessage())));
            return;
        }
        for (int i = 0; i < vgpus.size(); i++) {
            Vgpu vgpu = vgpus.get(i);
            for (HypervisorPort.Domain domain : domains) {
                boolean holds = domain.mdevUuids().contains(vgpu.uuid())
                        || (vgpu.virtualFunctionBdf() != null && domain.pciHostdevs().contains(vgpu.virtualFunctionBdf()));
                if (!holds) {
                    continue;
                }
                try {
                    vgpus.set(i, new Vgpu(vgpu.uuid(), vgpu.gpuUuid(), vgpu.typeId(), vgpu.virtualFunctionBdf(),
                            domain.name(), vgpu.params(), vgpu.migrationVersion(), domain.runState(),
                            vgpu.nvmlMetadataBase64()));
                } catch (IllegalArgumentException e) {
                    problems.add("vGPU " + vgpu.uuid() + " is attached to domain '" + Checks.printable(domain.name())
                            + "', a name the contract does not take as a vmId");
                }
                break;
            }
        }
    }

    private interface Part {
        void read() throws SysfsException;
    }

    /** Runs one part of the walk; whatever goes wrong in it becomes a problem line, never an escape. */
    private static void readPart(List<String> problems, String what, Part part) {
        try {
            part.read();
        } catch (SysfsException e) {
            problems.add("skipped " + what + ": " + e.getMessage());
        } catch (RuntimeException e) {
            problems.add("skipped " + what + ": " + Checks.printable(String.valueOf(e.getMessage())));
        }
    }

    private List<String> listOrReport(List<String> problems, String... segments) {
        try {
            return sysfs.list(segments);
        } catch (SysfsException e) {
            problems.add(e.getMessage());
            return List.of();
        }
    }

    /** A parent whose pGPU was read: its UUID and the types read, which its mdevs may be of. */
    private record MdevParent(String gpuUuid, Set<String> typeIds) {}

    private void discoverMdevGpu(String bdf, List<PhysicalGpu> gpus, Map<String, MdevParent> readParents,
            List<String> problems) throws SysfsException {
        SysfsReader.Directory dir = sysfs.directory("class", "mdev_bus", bdf);
        NvmlDevice device = nvml.deviceAt(bdf);
        String gpuUuid = gpuUuid(device, bdf);
        List<VgpuTypeCapacity> types = new ArrayList<>();
        List<String> typeIds = dir.list("mdev_supported_types");
        SysfsReader.Directory typesDir = typeIds.isEmpty() ? dir : dir.sub("mdev_supported_types");
        for (String typeId : typeIds) {
            if (!SysfsNames.isMdevTypeId(typeId)) {
                problems.add(bdf + ": skipped type '" + Checks.printable(typeId) + "': not an nvidia-<n> type id");
                continue;
            }
            readPart(problems, bdf + " type " + typeId, () -> types.add(mdevType(typeId, typesDir.sub(typeId))));
        }
        types.sort(Comparator.comparing(HostDiscovery::typeNumber));
        gpus.add(physicalGpu(bdf, dir, device, gpuUuid, HostKind.MDEV, types, List.of()));
        Set<String> readTypes = new HashSet<>();
        types.forEach(type -> readTypes.add(type.typeId()));
        readParents.put(bdf, new MdevParent(gpuUuid, readTypes));
    }

    /**
     * The created mdevs, from one listing of {@code bus/mdev/devices} rather than one {@code devices/}
     * listing per type: each device directory lies under its parent's (so the real path names the parent)
     * and its {@code mdev_type} link names its type. An mdev is reported where its parent and its type
     * were read, as a type's {@code devices/} would list it; one under any other parent (a parent skipped
     * for a reason already reported, or not an mdev parent of this host) is not.
     */
    private void discoverMdevVgpus(Map<String, MdevParent> readParents, List<Vgpu> vgpus, List<String> problems) {
        for (String uuid : listOrReport(problems, "bus", "mdev", "devices")) {
            if (!SysfsNames.isUuid(uuid)) {
                problems.add("bus/mdev/devices: skipped device '" + Checks.printable(uuid) + "': not a UUID");
                continue;
            }
            readPart(problems, "vGPU " + uuid, () -> {
                SysfsReader.Directory dir = sysfs.directory("bus", "mdev", "devices", uuid);
                MdevParent parent = dir.realParentName().map(readParents::get).orElse(null);
                if (parent == null) {
                    return;
                }
                String typeId = dir.linkTargetName("mdev_type");
                if (parent.typeIds().contains(typeId)) {
                    vgpus.add(mdevVgpu(uuid, dir, parent.gpuUuid(), typeId));
                }
            });
        }
    }

    private VgpuTypeCapacity mdevType(String typeId, SysfsReader.Directory typeDir) throws SysfsException {
        Optional<Object> identity = typeDir.identity();
        StaticType fixed = identity.map(staticTypes::get).orElse(null);
        if (fixed == null) {
            fixed = staticType(typeDir);
        }
        // read every time: the one fact of a type that changes
        int available = SysfsText.count(typeDir.read("available_instances"), "available_instances");
        VgpuTypeCapacity capacity = fixed.capacity(typeId, available);
        if (identity.isPresent()) {
            staticTypesSeen.put(identity.get(), fixed);
        }
        return capacity;
    }

    /**
     * What the driver fixes when it makes a type directory: read once per directory (see {@link
     * #staticTypes}), with the last capacity built from it, which is reused while {@code
     * available_instances} reads the same (the record is immutable, so reuse reports nothing stale).
     */
    private static final class StaticType {

        private final String name;
        private final VgpuClass vgpuClass;
        private final TypeDescription description;
        private final String deviceApi;
        private final @Nullable String migrationVersion;
        private @Nullable VgpuTypeCapacity last;

        StaticType(String name, VgpuClass vgpuClass, TypeDescription description, String deviceApi,
                @Nullable String migrationVersion) {
            this.name = name;
            this.vgpuClass = vgpuClass;
            this.description = description;
            this.deviceApi = deviceApi;
            this.migrationVersion = migrationVersion;
        }

        VgpuTypeCapacity capacity(String typeId, int available) {
            int shown = Math.min(available, description.maxInstances());
            VgpuTypeCapacity reused = last;
            if (reused != null && reused.typeId().equals(typeId) && reused.availableInstances() == shown) {
                return reused;
            }
            VgpuTypeCapacity capacity = new VgpuTypeCapacity(typeId, name, vgpuClass, description.framebufferMib(),
                    description.maxInstances(), shown, description.numHeads(), description.frameRateLimit(),
                    description.maxResolution(), deviceApi, migrationVersion);
            last = capacity;
            return capacity;
        }
    }

    private static StaticType staticType(SysfsReader.Directory typeDir) throws SysfsException {
        String name = typeDir.read("name").strip();
        TypeDescription description = TypeDescriptionParser.parse(typeDir.read("description"));
        String deviceApi = typeDir.read("device_api").strip();
        Optional<String> migrationVersion = typeDir.readIfPresent("migration_version").map(String::strip);
        VgpuClass vgpuClass = VgpuClass.ofTypeName(name)
                .orElseThrow(() -> new SysfsException("name '" + Checks.printable(name) + "' ends in no vGPU class letter"));
        return new StaticType(name, vgpuClass, description, deviceApi, migrationVersion.orElse(null));
    }

    private Vgpu mdevVgpu(String uuid, SysfsReader.Directory dir, String gpuUuid, String typeId) throws SysfsException {
        Map<String, String> params = SysfsText.vgpuParams(dir.has("nvidia")
                ? dir.sub("nvidia").readIfPresent("vgpu_params").orElse("")
                : "");
        Optional<String> migrationVersion = dir.readIfPresent("migration_version").map(String::strip);
        return new Vgpu(uuid, gpuUuid, typeId, null, null, params, migrationVersion.orElse(null), null, metadata(uuid));
    }

    /** The vGPU's NVML migration metadata, base64, where NVML gives it (the migration source's half). */
    private @Nullable String metadata(String vgpuUuid) {
        return nvml.vgpuMigrationMetadata(vgpuUuid).filter(blob -> blob.length <= 12 * 1024)
                .map(blob -> java.util.Base64.getEncoder().encodeToString(blob)).orElse(null);
    }

    /**
     * Whether a PCI device is an NVIDIA physical function with VFs. A device that is not NVIDIA's, or is a
     * VF itself, stays so for as long as the device exists: that verdict is kept by the identity of its
     * {@code bus/pci/devices} entry (one {@code lstat} instead of a resolution and a read; a host has a
     * hundred or more PCI devices) and checked again when the entry is new. Whether a PF has VFs changes
     * ({@code sriov_numvfs}) and is looked at every time.
     */
    private boolean isNvidiaPhysicalFunctionWithVfs(String bdf, Map<Object, Boolean> notCandidatesSeen)
            throws SysfsException {
        Optional<Object> identity = sysfs.entryIdentity("bus", "pci", "devices", bdf);
        if (identity.isPresent() && notPhysicalFunctions.containsKey(identity.get())) {
            notCandidatesSeen.put(identity.get(), Boolean.TRUE);
            return false;
        }
        SysfsReader.Directory dir = sysfs.directory("bus", "pci", "devices", bdf);
        Optional<String> vendor = dir.readIfPresent("vendor");
        if (vendor.isEmpty()) {
            return false;
        }
        if (!NVIDIA_VENDOR.equals(SysfsText.hexId(vendor.get(), "vendor")) || dir.has("physfn")) {
            identity.ifPresent(key -> notCandidatesSeen.put(key, Boolean.TRUE));
            return false;
        }
        return dir.list().stream().anyMatch(SysfsNames::isVirtfnLink);
    }

    private void discoverVfioGpu(String bdf, List<PhysicalGpu> gpus, List<Vgpu> vgpus, List<String> problems)
            throws SysfsException {
        SysfsReader.Directory dir = sysfs.directory("bus", "pci", "devices", bdf);
        NvmlDevice device = nvml.deviceAt(bdf);
        String gpuUuid = gpuUuid(device, bdf);
        Map<String, String> typeNames = seenVfTypeNames.computeIfAbsent(bdf, key -> new ConcurrentHashMap<>());
        Map<String, Integer> freeVfsPerType = new TreeMap<>();
        List<VirtualFunction> functions = new ArrayList<>();
        List<Vgpu> found = new ArrayList<>();
        List<String> links = dir.list().stream().filter(SysfsNames::isVirtfnLink)
                .sorted(Comparator.comparingInt(link -> Integer.parseInt(link.substring("virtfn".length()))))
                .toList();
        for (String link : links) {
            readPart(problems, bdf + " " + link, () -> {
                String vf = dir.linkTargetName(link);
                if (!SysfsNames.isPciBdf(vf)) {
                    throw new SysfsException("points to '" + Checks.printable(vf) + "', not a PCI address");
                }
                SysfsReader.Directory vfNvidia = sysfs.directory("bus", "pci", "devices", vf, "nvidia");
                List<CreatableType> creatable = SysfsText.creatableTypes(vfNvidia.read("creatable_vgpu_types"));
                Optional<String> current = SysfsText.currentType(vfNvidia.read("current_vgpu_type"));
                creatable.forEach(type -> typeNames.put(type.typeId(), type.name()));
                if (current.isEmpty()) {
                    creatable.forEach(type -> freeVfsPerType.merge(type.typeId(), 1, Integer::sum));
                } else {
                    Map<String, String> params = SysfsText.vgpuParams(
                            vfNvidia.readIfPresent("vgpu_params").orElse(""));
                    String vgpuUuid = nvml.vgpuInstanceUuidOn(vf).orElseGet(() -> placeholderUuid(vf));
                    found.add(new Vgpu(vgpuUuid, gpuUuid, current.get(), vf, null, params, null, null, metadata(vgpuUuid)));
                }
                functions.add(new VirtualFunction(vf, current.orElse(null),
                        creatable.stream().map(CreatableType::typeId).toList()));
            });
        }
        List<VgpuTypeCapacity> types = new ArrayList<>();
        found.forEach(vgpu -> typeNames.putIfAbsent(vgpu.typeId(), "vGPU type " + vgpu.typeId()));
        new TreeMap<>(typeNames).forEach((typeId, name) -> readPart(problems, bdf + " type " + typeId,
                () -> types.add(vfioType(typeId, name, device.memoryMib(), links.size(),
                        freeVfsPerType.getOrDefault(typeId, 0)))));
        types.sort(Comparator.comparing(HostDiscovery::typeNumber));
        gpus.add(physicalGpu(bdf, dir, device, gpuUuid, HostKind.VENDOR_VFIO, types, functions));
        vgpus.addAll(found);
    }

    private static VgpuTypeCapacity vfioType(String typeId, String name, long memoryMib, int vfCount, int freeVfs)
            throws SysfsException {
        VgpuClass vgpuClass = VgpuClass.ofTypeName(name)
                .orElseThrow(() -> new SysfsException("name '" + Checks.printable(name) + "' ends in no vGPU class letter"));
        Matcher size = TYPE_SIZE.matcher(name);
        long framebufferMib = size.find() ? Long.parseLong(size.group(1)) * 1024 : 0;
        int maxInstances = framebufferMib > 0 && memoryMib > 0
                ? (int) Math.min(vfCount, memoryMib / framebufferMib)
                : vfCount;
        return new VgpuTypeCapacity(typeId, name, vgpuClass, framebufferMib, maxInstances,
                Math.min(freeVfs, maxInstances), 0, 0, "", "vfio-pci", null);
    }

    private PhysicalGpu physicalGpu(String bdf, SysfsReader.Directory dir, NvmlDevice device, String gpuUuid, HostKind kind,
            List<VgpuTypeCapacity> types, List<VirtualFunction> functions) throws SysfsException {
        int numaNode = SysfsText.numaNode(dir.readIfPresent("numa_node").orElse("-1"));
        String cpus = SysfsText.cpuList(dir.readIfPresent("local_cpulist").orElse(""));
        String model = device.name() != null ? device.name() : modelFromPciId(dir);
        return new PhysicalGpu(gpuUuid, bdf, model, device.memoryMib(), numaNode, cpus, device.eccMode(), kind, false,
                device.facts(), types, functions);
    }

    private String modelFromPciId(SysfsReader.Directory dir) throws SysfsException {
        String deviceId = SysfsText.hexId(dir.readIfPresent("device").orElse("0x0000"), "device");
        return MODEL_BY_DEVICE_ID.getOrDefault(deviceId, "NVIDIA device " + deviceId);
    }

    private VgpuManagerStatus vgpuManager(List<PhysicalGpu> gpus) {
        Optional<String> driver = nvml.driverVersion();
        boolean vfioModuleLoaded = false;
        try {
            if (driver.isEmpty()) {
                driver = sysfs.readIfPresent("module", "nvidia", "version").map(String::strip);
            }
            vfioModuleLoaded = sysfs.exists("module", "nvidia_vgpu_vfio");
        } catch (SysfsException e) {
            log.warn("discovery: cannot read the driver modules: {}", e.getMessage());
        }
        boolean running;
        try {
            running = managerRunning.getAsBoolean();
        } catch (RuntimeException e) {
            running = false;
        }
        VgpuManagerStatus probed = VgpuManagerProbe.status(running, driver,
                VgpuManagerProbe.anyGpuEcc(gpus.stream().map(PhysicalGpu::eccMode).toList()));
        List<String> problems = new ArrayList<>(probed.problems());
        if (!vfioModuleLoaded) {
            problems.add("nvidia_vgpu_vfio module is not loaded");
        }
        problems.addAll(standingProblems);
        return new VgpuManagerStatus(probed.running(), probed.driverVersion(), problems);
    }

    private String gpuUuid(NvmlDevice device, String bdf) {
        return device.uuid() != null ? device.uuid() : "GPU-" + placeholderUuid(bdf);
    }

    private String placeholderUuid(String pciBdf) {
        return UUID.nameUUIDFromBytes((hostId + "/" + pciBdf).getBytes(UTF_8)).toString();
    }

    private static int typeNumber(VgpuTypeCapacity type) {
        return Integer.parseInt(type.typeId().substring(type.typeId().lastIndexOf('-') + 1));
    }
}
