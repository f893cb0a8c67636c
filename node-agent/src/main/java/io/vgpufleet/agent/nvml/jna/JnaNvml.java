package io.vgpufleet.agent.nvml.jna;

import static io.vgpufleet.agent.nvml.jna.NvmlTranslation.text;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.vgpufleet.agent.nvml.NvmlDevice;
import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.agent.nvml.NvmlPort;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.Compatibility;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.EccModes;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.Gpu;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.GpuPair;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.NvLink;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.PgpuMetadata;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.RemappedRows;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.RemapperHistogram;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.RetiredPage;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.VgpuInstance;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.VgpuMetadata;
import io.vgpufleet.agent.nvml.jna.NvmlInventory.VgpuType;
import io.vgpufleet.contracts.host.NvmlFacts;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.IntSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The NVML port on the real driver, through JNA. One instance is one NVML session: {@link #open()} calls
 * {@code nvmlInit_v2} and {@link #close()} calls {@code nvmlShutdown}; device handles live only inside it,
 * keyed by PCI address, and never leave this package. No method throws: a failed call becomes an
 * unavailable answer with the return code's name, NOT_SUPPORTED an absent part.
 *
 * <pre>{@code
 * try (JnaNvml nvml = JnaNvml.open()) {
 *     NvmlHealthSample sample = nvml.healthOf("0000:3b:00.0");
 *     NvmlInventory inventory = nvml.inventory();
 * } catch (NvmlUnavailableException e) {
 *     // run on sysfs alone; e.reason() names the return code
 * }
 * }</pre>
 *
 * <p>Thread safety: any thread may call the queries; {@link #awaitEvent(Duration)} belongs to one events
 * thread. {@link #close()} waits for calls in flight (an event wait for at most its timeout).
 */
public final class JnaNvml implements NvmlPort, AutoCloseable {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(JnaNvml.class);

    private final NvmlLibrary lib;
    private final Clock clock;
    private final ReadWriteLock session = new ReentrantReadWriteLock();
    private final Map<String, Pointer> handles = new ConcurrentHashMap<>();
    private final Map<Pointer, String> bdfByHandle = new ConcurrentHashMap<>();
    private volatile List<String> enumerated;
    private int reinitialisations;
    private boolean sessionLost;
    private String lastReinitialisation = "none";
    private boolean closed;

    // Events thread state (one thread only).
    private @Nullable Pointer eventSet;
    private boolean eventSetTried;
    private String eventSetStatus = "not created";
    private final Map<String, String> eventRegistrations = new LinkedHashMap<>();
    private final Set<String> reportedLost = new HashSet<>();

    private JnaNvml(NvmlLibrary lib, Clock clock) {
        this.lib = lib;
        this.clock = clock;
        this.enumerated = enumerate();
    }

    /** Loads {@code libnvidia-ml.so.1} and initialises NVML. */
    public static JnaNvml open() throws NvmlUnavailableException {
        NvmlLibrary lib;
        try {
            lib = Native.load(NvmlLibrary.SONAME, NvmlLibrary.class);
        } catch (UnsatisfiedLinkError first) {
            try {
                lib = Native.load(NvmlLibrary.NAME, NvmlLibrary.class);
            } catch (UnsatisfiedLinkError second) {
                throw new NvmlUnavailableException(NvmlReturn.LIBRARY_NOT_FOUND.cName(),
                        String.valueOf(first.getMessage()).lines().findFirst().orElse("").replaceAll(":$", ""));
            }
        } catch (LinkageError | RuntimeException e) {
            throw new NvmlUnavailableException(NvmlReturn.LIBRARY_NOT_FOUND.cName(), e.toString());
        }
        return open(lib, Clock.systemUTC());
    }

    /** Initialises NVML through a given binding (the real library, or a stub in tests). */
    public static JnaNvml open(NvmlLibrary lib, Clock clock) throws NvmlUnavailableException {
        int code = call(lib::nvmlInit_v2);
        if (code != NvmlReturn.SUCCESS.code()) {
            throw new NvmlUnavailableException(NvmlReturn.nameOf(code), "nvmlInit_v2");
        }
        return new JnaNvml(lib, clock);
    }

    /** One native call; a symbol this driver lacks answers FUNCTION_NOT_FOUND, any JNA failure UNKNOWN. */
    static int call(IntSupplier nativeCall) {
        try {
            return nativeCall.getAsInt();
        } catch (UnsatisfiedLinkError e) {
            return NvmlReturn.FUNCTION_NOT_FOUND.code();
        } catch (RuntimeException e) {
            return NvmlReturn.UNKNOWN.code();
        }
    }

    private List<String> enumerate() {
        IntByReference count = new IntByReference();
        if (call(() -> lib.nvmlDeviceGetCount_v2(count)) != NvmlReturn.SUCCESS.code()) {
            return List.of();
        }
        List<String> bdfs = new ArrayList<>();
        for (int i = 0; i < count.getValue(); i++) {
            int index = i;
            PointerByReference handle = new PointerByReference();
            if (call(() -> lib.nvmlDeviceGetHandleByIndex_v2(index, handle)) != NvmlReturn.SUCCESS.code()) {
                continue;
            }
            NvmlStructures.PciInfo pci = new NvmlStructures.PciInfo();
            if (call(() -> lib.nvmlDeviceGetPciInfo_v3(handle.getValue(), pci)) != NvmlReturn.SUCCESS.code()) {
                continue;
            }
            Optional<String> bdf = NvmlTranslation.sysfsBdf(text(pci.busId));
            if (bdf.isPresent()) {
                remember(bdf.get(), handle.getValue());
                bdfs.add(bdf.get());
            }
        }
        return List.copyOf(bdfs);
    }

    private void remember(String bdf, Pointer handle) {
        handles.put(bdf, handle);
        bdfByHandle.put(handle, bdf);
    }

    /** The PCI addresses (sysfs form) of the GPUs NVML enumerated at open, in NVML index order. */
    public List<String> devices() {
        return enumerated;
    }

    /** The handle of a GPU, looked up once by PCI bus id; a failed lookup answers its code. */
    private Fact<Pointer> handle(String pciBdf) {
        Pointer known = handles.get(pciBdf);
        if (known != null) {
            return Fact.of(known);
        }
        PointerByReference handle = new PointerByReference();
        int code = call(() -> lib.nvmlDeviceGetHandleByPciBusId_v2(pciBdf, handle));
        if (code != NvmlReturn.SUCCESS.code()) {
            return Fact.failed(code);
        }
        remember(pciBdf, handle.getValue());
        return Fact.of(handle.getValue());
    }

    /** For the self-check's timings, inside this package only. */
    NvmlLibrary library() {
        return lib;
    }

    /** For the self-check's timings, inside this package only. */
    @Nullable Pointer handleOf(String pciBdf) {
        return handle(pciBdf).value();
    }

    // ---------------------------------------------------------------- the port

    @Override
    public NvmlDevice deviceAt(String pciBdf) {
        return scoped(() -> NvmlDevice.unavailable(NvmlReturn.UNINITIALIZED.cName()), () -> {
            Fact<Pointer> found = handle(pciBdf);
            Pointer h = found.value();
            if (h == null) {
                return NvmlDevice.unavailable(found.status());
            }
            Fact<String> uuid = string((buf, len) -> lib.nvmlDeviceGetUUID(h, buf, len),
                    NvmlConstants.DEVICE_UUID_BUFFER_SIZE);
            Fact<String> name = string((buf, len) -> lib.nvmlDeviceGetName(h, buf, len),
                    NvmlConstants.DEVICE_NAME_V2_BUFFER_SIZE);
            NvmlStructures.Memory memory = new NvmlStructures.Memory();
            int memoryCode = call(() -> lib.nvmlDeviceGetMemoryInfo(h, memory));
            IntByReference current = new IntByReference();
            IntByReference pending = new IntByReference();
            int eccCode = call(() -> lib.nvmlDeviceGetEccMode(h, current, pending));
            Fact<Integer> virtualization = intValue(out -> lib.nvmlDeviceGetVirtualizationMode(h, out));
            Fact<Integer> hostVgpu = intValue(out -> lib.nvmlDeviceGetHostVgpuMode(h, out));
            if (memoryCode != NvmlReturn.SUCCESS.code() && !notSupported(memoryCode)) {
                return NvmlDevice.unavailable(NvmlReturn.nameOf(memoryCode));
            }
            if (eccCode != NvmlReturn.SUCCESS.code() && !notSupported(eccCode)) {
                return NvmlDevice.unavailable(NvmlReturn.nameOf(eccCode));
            }
            for (Fact<?> fact : List.of(uuid, name, virtualization, hostVgpu)) {
                if (fact.error()) {
                    return NvmlDevice.unavailable(fact.status());
                }
            }
            Integer virtualizationValue = virtualization.value();
            Integer hostVgpuValue = hostVgpu.value();
            return new NvmlDevice(
                    new NvmlFacts(NvmlFacts.AVAILABLE,
                            virtualizationValue == null ? null
                                    : NvmlConstants.nameIn(NvmlConstants.VIRTUALIZATION_MODES, virtualizationValue),
                            hostVgpuValue == null ? null
                                    : NvmlConstants.nameIn(NvmlConstants.HOST_VGPU_MODES, hostVgpuValue)),
                    uuid.value(), name.value(),
                    memoryCode == NvmlReturn.SUCCESS.code() ? memory.total / (1024 * 1024) : 0,
                    NvmlTranslation.eccMode(eccCode, current.getValue()));
        });
    }

    /**
     * NVML 12 has no call from a vendor-VFIO virtual function's address to the vGPU instance on it (the
     * instance's PCI id is the one the guest sees), so this answers only where the VF is itself a device
     * NVML can open and carries exactly the one instance NVML lists for it. Empty otherwise: the sysfs
     * side ({@code current_vgpu_type}) stays the source of truth for VFs.
     */
    @Override
    public Optional<String> vgpuInstanceUuidOn(String virtualFunctionBdf) {
        return scoped(Optional::empty, () -> {
            Pointer h = handles.get(virtualFunctionBdf);
            if (h == null) {
                return Optional.<String>empty();
            }
            Fact<List<Integer>> active = ids((count, ids) -> lib.nvmlDeviceGetActiveVgpus(h, count, ids));
            List<Integer> instances = active.value();
            if (instances == null || instances.size() != 1) {
                return Optional.<String>empty();
            }
            int instance = instances.get(0);
            return Optional.ofNullable(string((buf, len) -> lib.nvmlVgpuInstanceGetUUID(instance, buf, len),
                    NvmlConstants.DEVICE_UUID_BUFFER_SIZE).value());
        });
    }

    @Override
    public Optional<String> driverVersion() {
        return scoped(Optional::empty, () -> Optional.ofNullable(driverVersionFact().value()));
    }

    private Fact<String> driverVersionFact() {
        return string(lib::nvmlSystemGetDriverVersion, NvmlConstants.SYSTEM_DRIVER_VERSION_BUFFER_SIZE);
    }

    @Override
    public NvmlHealthSample healthOf(String pciBdf) {
        return scoped(() -> NvmlHealthSample.unavailable(pciBdf, NvmlReturn.UNINITIALIZED.cName()), () -> {
            Fact<Pointer> found = handle(pciBdf);
            Pointer h = found.value();
            if (h == null) {
                return NvmlHealthSample.unavailable(pciBdf, found.status());
            }
            return NvmlTranslation.healthSample(rawHealth(pciBdf, h));
        });
    }

    /** The eight NVML calls of one health poll of one GPU. */
    NvmlTranslation.RawHealth rawHealth(String pciBdf, Pointer h) {
        IntByReference corr = new IntByReference();
        IntByReference unc = new IntByReference();
        IntByReference pending = new IntByReference();
        IntByReference failure = new IntByReference();
        int remap = call(() -> lib.nvmlDeviceGetRemappedRows(h, corr, unc, pending, failure));
        return new NvmlTranslation.RawHealth(pciBdf,
                ecc(h, NvmlConstants.MEMORY_ERROR_TYPE_CORRECTED, NvmlConstants.VOLATILE_ECC),
                ecc(h, NvmlConstants.MEMORY_ERROR_TYPE_UNCORRECTED, NvmlConstants.VOLATILE_ECC),
                ecc(h, NvmlConstants.MEMORY_ERROR_TYPE_CORRECTED, NvmlConstants.AGGREGATE_ECC),
                ecc(h, NvmlConstants.MEMORY_ERROR_TYPE_UNCORRECTED, NvmlConstants.AGGREGATE_ECC),
                retiredCount(h, NvmlConstants.PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS),
                retiredCount(h, NvmlConstants.PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR),
                read(out -> lib.nvmlDeviceGetRetiredPagesPendingStatus(h, out)),
                remap, corr.getValue(), unc.getValue(), pending.getValue(), failure.getValue());
    }

    private NvmlTranslation.Read ecc(Pointer h, int errorType, int counterType) {
        LongByReference count = new LongByReference();
        int code = call(() -> lib.nvmlDeviceGetTotalEccErrors(h, errorType, counterType, count));
        return new NvmlTranslation.Read(code, code == NvmlReturn.SUCCESS.code() ? count.getValue() : 0);
    }

    /** The number of pages retired for a cause: a count-only call (the count is written on INSUFFICIENT_SIZE too). */
    private NvmlTranslation.Read retiredCount(Pointer h, int cause) {
        IntByReference count = new IntByReference(0);
        int code = call(() -> lib.nvmlDeviceGetRetiredPages(h, cause, count, null));
        if (code == NvmlReturn.INSUFFICIENT_SIZE.code()) {
            code = NvmlReturn.SUCCESS.code();
        }
        return new NvmlTranslation.Read(code, code == NvmlReturn.SUCCESS.code() ? count.getValue() : 0);
    }

    /**
     * Waits on one event set for all GPUs, created on the first call with the critical event types each GPU
     * supports. Never throws but for interruption: a lost GPU is a {@code GPU_LOST} event (once per GPU); any
     * other failure waits out the timeout and answers empty.
     */
    @Override
    public Optional<NvmlEvent> awaitEvent(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Optional<NvmlEvent> event = Optional.empty();
        boolean backOff;
        boolean reinitialise = false;
        session.readLock().lock();
        try {
            if (closed) {
                backOff = true;
            } else if (sessionLost) {
                backOff = true;
                reinitialise = true;
            } else {
                ensureEventSet();
                Pointer set = eventSet;
                if (set == null) {
                    backOff = true;
                } else {
                    int millis = (int) Math.max(0, Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                    NvmlStructures.EventData data = new NvmlStructures.EventData();
                    int code = call(() -> lib.nvmlEventSetWait_v2(set, data, millis));
                    switch (NvmlTranslation.waitOutcome(code)) {
                        case DELIVER -> {
                            String bdf = data.device == null ? null : bdfByHandle.get(data.device);
                            event = bdf == null ? Optional.empty()
                                    : NvmlTranslation.event(bdf, data.eventType, data.eventData, clock.instant());
                        }
                        case GPU_LOST -> event = lostGpu(data.device);
                        case NOTHING, BACK_OFF, REINITIALISE -> { }
                    }
                    reinitialise = NvmlTranslation.waitOutcome(code) == NvmlTranslation.WaitOutcome.REINITIALISE;
                    backOff = reinitialise
                            || NvmlTranslation.waitOutcome(code) == NvmlTranslation.WaitOutcome.BACK_OFF
                            || NvmlTranslation.waitOutcome(code) == NvmlTranslation.WaitOutcome.GPU_LOST
                                    && event.isEmpty();
                }
            }
        } finally {
            session.readLock().unlock();
        }
        if (reinitialise) {
            reinitialise();
        }
        if (backOff) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.sleep(left);
            }
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        return event;
    }

    private Optional<NvmlEvent> lostGpu(@Nullable Pointer device) {
        String bdf = device == null ? null : bdfByHandle.get(device);
        if (bdf == null) {
            // The driver did not say which: the first GPU that answers GPU_IS_LOST to a cheap query.
            for (Map.Entry<String, Pointer> entry : handles.entrySet()) {
                NvmlStructures.Memory memory = new NvmlStructures.Memory();
                if (!reportedLost.contains(entry.getKey())
                        && call(() -> lib.nvmlDeviceGetMemoryInfo(entry.getValue(), memory))
                                == NvmlReturn.GPU_IS_LOST.code()) {
                    bdf = entry.getKey();
                    break;
                }
            }
        }
        if (bdf == null || !reportedLost.add(bdf)) {
            return Optional.empty();
        }
        return Optional.of(new NvmlEvent(bdf, NvmlEvent.Kind.GPU_LOST, 0, clock.instant()));
    }

    private void ensureEventSet() {
        if (eventSetTried) {
            return;
        }
        eventSetTried = true;
        PointerByReference set = new PointerByReference();
        int code = call(() -> lib.nvmlEventSetCreate(set));
        if (code != NvmlReturn.SUCCESS.code()) {
            eventSetStatus = NvmlReturn.nameOf(code);
            return;
        }
        Pointer created = set.getValue();
        int registered = 0;
        for (String bdf : enumerated) {
            Pointer h = handles.get(bdf);
            LongByReference supported = new LongByReference();
            int supportedCode = call(() -> lib.nvmlDeviceGetSupportedEventTypes(h, supported));
            if (supportedCode != NvmlReturn.SUCCESS.code()) {
                eventRegistrations.put(bdf, NvmlReturn.nameOf(supportedCode));
                continue;
            }
            long mask = NvmlTranslation.criticalEventMask(supported.getValue());
            if (mask == 0) {
                eventRegistrations.put(bdf, "no critical event type supported");
                continue;
            }
            int registerCode = call(() -> lib.nvmlDeviceRegisterEvents(h, mask, created));
            eventRegistrations.put(bdf, registerCode == NvmlReturn.SUCCESS.code()
                    ? String.format("registered 0x%x of supported 0x%x", mask, supported.getValue())
                    : NvmlReturn.nameOf(registerCode));
            if (registerCode == NvmlReturn.SUCCESS.code()) {
                registered++;
            }
        }
        if (registered == 0) {
            call(() -> lib.nvmlEventSetFree(created));
            eventSetStatus = "no device registered";
            return;
        }
        eventSet = created;
        eventSetStatus = "created";
    }

    /** What the event set did on creation, per GPU: for the self-check and the agent's log. */
    public Map<String, String> eventRegistrations() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(eventRegistrations));
    }

    /** {@code created}, or why the events thread only waits out its timeouts. */
    public String eventSetStatus() {
        return eventSetStatus;
    }

    // ---------------------------------------------------------------- beyond the port

    /** Reads everything the binding knows about every GPU and every pair of GPUs. */
    public NvmlInventory inventory() {
        return scoped(() -> new NvmlInventory(Fact.failed(NvmlReturn.UNINITIALIZED.code()), List.of(), List.of()),
                () -> {
                    List<Gpu> gpus = new ArrayList<>();
                    for (String bdf : enumerated) {
                        gpus.add(gpu(bdf, handles.get(bdf)));
                    }
                    List<GpuPair> pairs = new ArrayList<>();
                    for (int i = 0; i < enumerated.size(); i++) {
                        for (int j = i + 1; j < enumerated.size(); j++) {
                            pairs.add(pair(enumerated.get(i), enumerated.get(j)));
                        }
                    }
                    return new NvmlInventory(driverVersionFact(), gpus, pairs);
                });
    }

    private Gpu gpu(String bdf, Pointer h) {
        NvmlStructures.Memory memory = new NvmlStructures.Memory();
        int memoryCode = call(() -> lib.nvmlDeviceGetMemoryInfo(h, memory));
        IntByReference eccCurrent = new IntByReference();
        IntByReference eccPending = new IntByReference();
        int eccCode = call(() -> lib.nvmlDeviceGetEccMode(h, eccCurrent, eccPending));
        IntByReference corr = new IntByReference();
        IntByReference unc = new IntByReference();
        IntByReference remapPending = new IntByReference();
        IntByReference failure = new IntByReference();
        int remapCode = call(() -> lib.nvmlDeviceGetRemappedRows(h, corr, unc, remapPending, failure));
        NvmlStructures.RowRemapperHistogramValues histogram = new NvmlStructures.RowRemapperHistogramValues();
        int histogramCode = call(() -> lib.nvmlDeviceGetRowRemapperHistogram(h, histogram));
        LongByReference events = new LongByReference();
        int eventsCode = call(() -> lib.nvmlDeviceGetSupportedEventTypes(h, events));
        Fact<List<Integer>> supportedTypes =
                ids((count, ids) -> lib.nvmlDeviceGetSupportedVgpus(h, count, ids));
        List<Integer> supportedTypeIds = supportedTypes.value();
        Fact<List<VgpuType>> vgpuTypes = supportedTypeIds == null ? Fact.sameFailure(supportedTypes)
                : Fact.of(supportedTypeIds.stream().map(id -> vgpuType(h, id)).toList());
        Fact<List<Integer>> activeIds = ids((count, ids) -> lib.nvmlDeviceGetActiveVgpus(h, count, ids));
        List<Integer> active = activeIds.value();
        Fact<List<VgpuInstance>> instances = active == null ? Fact.sameFailure(activeIds)
                : Fact.of(active.stream().map(this::vgpuInstance).toList());
        Fact<Integer> virtualization = intValue(out -> lib.nvmlDeviceGetVirtualizationMode(h, out));
        Fact<Integer> hostVgpu = intValue(out -> lib.nvmlDeviceGetHostVgpuMode(h, out));
        Fact<Integer> pending = intValue(out -> lib.nvmlDeviceGetRetiredPagesPendingStatus(h, out));
        return new Gpu(bdf,
                string((buf, len) -> lib.nvmlDeviceGetUUID(h, buf, len), NvmlConstants.DEVICE_UUID_BUFFER_SIZE),
                string((buf, len) -> lib.nvmlDeviceGetName(h, buf, len), NvmlConstants.DEVICE_NAME_V2_BUFFER_SIZE),
                memoryCode == NvmlReturn.SUCCESS.code()
                        ? Fact.of(new NvmlInventory.Memory(memory.total, memory.free, memory.used))
                        : Fact.failed(memoryCode),
                intValue(out -> lib.nvmlDeviceGetNumaNodeId(h, out)),
                cpuAffinity(h),
                eccCode == NvmlReturn.SUCCESS.code()
                        ? Fact.of(new EccModes(eccCurrent.getValue() == NvmlConstants.FEATURE_ENABLED,
                                eccPending.getValue() == NvmlConstants.FEATURE_ENABLED))
                        : Fact.failed(eccCode),
                retiredPages(h),
                map(pending, value -> value == NvmlConstants.FEATURE_ENABLED),
                remapCode == NvmlReturn.SUCCESS.code()
                        ? Fact.of(new RemappedRows(corr.getValue(), unc.getValue(), remapPending.getValue() != 0,
                                failure.getValue() != 0))
                        : Fact.failed(remapCode),
                histogramCode == NvmlReturn.SUCCESS.code()
                        ? Fact.of(new RemapperHistogram(histogram.max, histogram.high, histogram.partial,
                                histogram.low, histogram.none))
                        : Fact.failed(histogramCode),
                nvLinks(h),
                map(virtualization, value -> NvmlConstants.nameIn(NvmlConstants.VIRTUALIZATION_MODES, value)),
                map(hostVgpu, value -> NvmlConstants.nameIn(NvmlConstants.HOST_VGPU_MODES, value)),
                eventsCode == NvmlReturn.SUCCESS.code() ? Fact.of(events.getValue()) : Fact.failed(eventsCode),
                vgpuTypes,
                ids((count, ids) -> lib.nvmlDeviceGetCreatableVgpus(h, count, ids)),
                instances,
                pgpuMetadata(h));
    }

    private Fact<List<Integer>> cpuAffinity(Pointer h) {
        int words = Math.max(16, (Runtime.getRuntime().availableProcessors() + 63) / 64); // 1024 CPUs at least
        NativeLong[] set = new NativeLong[words];
        for (int i = 0; i < words; i++) {
            set[i] = new NativeLong(0);
        }
        int code = call(() -> lib.nvmlDeviceGetCpuAffinity(h, words, set));
        if (code != NvmlReturn.SUCCESS.code()) {
            return Fact.failed(code);
        }
        long[] raw = new long[words];
        for (int i = 0; i < words; i++) {
            raw[i] = set[i].longValue();
        }
        return Fact.of(NvmlTranslation.cpuIds(raw, NativeLong.SIZE * 8));
    }

    private Fact<List<RetiredPage>> retiredPages(Pointer h) {
        List<RetiredPage> pages = new ArrayList<>();
        for (int cause : new int[] {NvmlConstants.PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS,
            NvmlConstants.PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR}) {
            String causeName = cause == 0 ? "MULTIPLE_SINGLE_BIT_ECC_ERRORS" : "DOUBLE_BIT_ECC_ERROR";
            IntByReference count = new IntByReference(0);
            int code = call(() -> lib.nvmlDeviceGetRetiredPages_v2(h, cause, count, null, null));
            if (code != NvmlReturn.SUCCESS.code() && code != NvmlReturn.INSUFFICIENT_SIZE.code()) {
                return Fact.failed(code);
            }
            int n = count.getValue();
            if (n == 0) {
                continue;
            }
            long[] addresses = new long[n];
            long[] timestamps = new long[n];
            IntByReference size = new IntByReference(n);
            code = call(() -> lib.nvmlDeviceGetRetiredPages_v2(h, cause, size, addresses, timestamps));
            if (code != NvmlReturn.SUCCESS.code()) {
                return Fact.failed(code);
            }
            for (int i = 0; i < Math.min(n, size.getValue()); i++) {
                pages.add(new RetiredPage(causeName, addresses[i], timestamps[i]));
            }
        }
        return Fact.of(List.copyOf(pages));
    }

    private List<NvLink> nvLinks(Pointer h) {
        List<NvLink> links = new ArrayList<>();
        for (int link = 0; link < NvmlConstants.NVLINK_MAX_LINKS; link++) {
            int index = link;
            IntByReference active = new IntByReference();
            int code = call(() -> lib.nvmlDeviceGetNvLinkState(h, index, active));
            if (code != NvmlReturn.SUCCESS.code()) {
                continue;
            }
            NvmlStructures.PciInfo remote = new NvmlStructures.PciInfo();
            int remoteCode = call(() -> lib.nvmlDeviceGetNvLinkRemotePciInfo_v2(h, index, remote));
            links.add(new NvLink(link, active.getValue() == NvmlConstants.FEATURE_ENABLED,
                    remoteCode == NvmlReturn.SUCCESS.code()
                            ? NvmlTranslation.sysfsBdf(text(remote.busId)).orElse(null) : null));
        }
        return List.copyOf(links);
    }

    private VgpuType vgpuType(Pointer h, int id) {
        LongByReference fb = new LongByReference();
        int fbCode = call(() -> lib.nvmlVgpuTypeGetFramebufferSize(id, fb));
        return new VgpuType(id,
                sizedString((buf, size) -> lib.nvmlVgpuTypeGetName(id, buf, size)),
                sizedString((buf, size) -> lib.nvmlVgpuTypeGetClass(id, buf, size)),
                fbCode == NvmlReturn.SUCCESS.code() ? Fact.of(fb.getValue()) : Fact.failed(fbCode),
                intValue(out -> lib.nvmlVgpuTypeGetMaxInstances(h, id, out)),
                intValue(out -> lib.nvmlVgpuTypeGetFrameRateLimit(id, out)));
    }

    private VgpuInstance vgpuInstance(int id) {
        byte[] vmId = new byte[NvmlConstants.DEVICE_UUID_BUFFER_SIZE];
        IntByReference vmIdType = new IntByReference();
        int vmCode = call(() -> lib.nvmlVgpuInstanceGetVmID(id, vmId, vmId.length, vmIdType));
        LongByReference fb = new LongByReference();
        int fbCode = call(() -> lib.nvmlVgpuInstanceGetFbUsage(id, fb));
        return new VgpuInstance(id,
                string((buf, len) -> lib.nvmlVgpuInstanceGetUUID(id, buf, len), NvmlConstants.DEVICE_UUID_BUFFER_SIZE),
                string((buf, len) -> lib.nvmlVgpuInstanceGetMdevUUID(id, buf, len),
                        NvmlConstants.DEVICE_UUID_BUFFER_SIZE),
                vmCode == NvmlReturn.SUCCESS.code() ? Fact.of(text(vmId)) : Fact.failed(vmCode),
                vmCode == NvmlReturn.SUCCESS.code()
                        ? Fact.of(NvmlConstants.nameIn(NvmlConstants.VGPU_VM_ID_TYPES, vmIdType.getValue()))
                        : Fact.failed(vmCode),
                intValue(out -> lib.nvmlVgpuInstanceGetType(id, out)),
                fbCode == NvmlReturn.SUCCESS.code() ? Fact.of(fb.getValue()) : Fact.failed(fbCode),
                map(intValue(out -> lib.nvmlVgpuInstanceGetEccMode(id, out)),
                        value -> value == NvmlConstants.FEATURE_ENABLED),
                vgpuMetadata(id));
    }

    /** {@code nvmlVgpuInstanceGetMetadata}: asks for the size first, then reads the whole buffer. */
    private Fact<VgpuMetadata> vgpuMetadata(int instance) {
        Fact<byte[]> blob = metadataBlob((buffer, size) -> lib.nvmlVgpuInstanceGetMetadata(instance, buffer, size),
                new NvmlStructures.VgpuMetadata().size());
        byte[] bytes = blob.value();
        if (bytes == null) {
            return Fact.sameFailure(blob);
        }
        return Fact.of(vgpuMetadataOf(bytes));
    }

    static VgpuMetadata vgpuMetadataOf(byte[] bytes) {
        Memory buffer = new Memory(Math.max(bytes.length, new NvmlStructures.VgpuMetadata().size()));
        buffer.clear();
        buffer.write(0, bytes, 0, bytes.length);
        NvmlStructures.VgpuMetadata m = new NvmlStructures.VgpuMetadata(buffer);
        return new VgpuMetadata(m.version, m.revision,
                NvmlConstants.nameIn(NvmlConstants.VGPU_GUEST_INFO_STATES, m.guestInfoState),
                text(m.guestDriverVersion), text(m.hostDriverVersion),
                (m.vgpuVirtualizationCaps & NvmlConstants.VIRTUALIZATION_CAP_MIGRATION) != 0,
                m.guestVgpuVersion, m.opaqueDataSize, bytes);
    }

    private Fact<PgpuMetadata> pgpuMetadata(Pointer h) {
        Fact<byte[]> blob = metadataBlob((buffer, size) -> lib.nvmlDeviceGetVgpuMetadata(h, buffer, size),
                new NvmlStructures.VgpuPgpuMetadata().size());
        byte[] bytes = blob.value();
        if (bytes == null) {
            return Fact.sameFailure(blob);
        }
        Memory buffer = new Memory(Math.max(bytes.length, new NvmlStructures.VgpuPgpuMetadata().size()));
        buffer.clear();
        buffer.write(0, bytes, 0, bytes.length);
        NvmlStructures.VgpuPgpuMetadata m = new NvmlStructures.VgpuPgpuMetadata(buffer);
        return Fact.of(new PgpuMetadata(m.version, m.revision, text(m.hostDriverVersion),
                (m.pgpuVirtualizationCaps & NvmlConstants.VIRTUALIZATION_CAP_MIGRATION) != 0,
                m.hostSupportedVgpuRange.minVersion, m.hostSupportedVgpuRange.maxVersion, m.opaqueDataSize, bytes));
    }

    private interface BufferCall {
        int call(Pointer buffer, IntByReference size);
    }

    private static Fact<byte[]> metadataBlob(BufferCall nativeCall, int structSize) {
        int size = structSize;
        for (int attempt = 0; attempt < 3; attempt++) {
            Memory buffer = new Memory(size);
            buffer.clear();
            IntByReference bufferSize = new IntByReference(size);
            int code = call(() -> nativeCall.call(buffer, bufferSize));
            if (code == NvmlReturn.INSUFFICIENT_SIZE.code() && bufferSize.getValue() > size) {
                size = bufferSize.getValue();
                continue;
            }
            if (code != NvmlReturn.SUCCESS.code()) {
                return Fact.failed(code);
            }
            return Fact.of(buffer.getByteArray(0, Math.min(size, Math.max(bufferSize.getValue(), structSize))));
        }
        return Fact.failed(NvmlReturn.INSUFFICIENT_SIZE.code());
    }

    @Override
    public io.vgpufleet.agent.nvml.VgpuCompatibility vgpuCompatibility(byte[] vgpuMetadata, String pciBdf) {
        Fact<Compatibility> answer = compatibility(vgpuMetadata, pciBdf);
        Compatibility value = answer.value();
        if (value == null) {
            return io.vgpufleet.agent.nvml.VgpuCompatibility.failed(answer.status());
        }
        return new io.vgpufleet.agent.nvml.VgpuCompatibility(value.vmCompatibility(), value.limits(), null);
    }

    /**
     * {@code nvmlGetVgpuCompatibility} on this (target) host: may a vGPU whose metadata the source host read
     * ({@link VgpuMetadata#blob()}) run on the GPU at {@code targetBdf}, and from which VM states.
     */
    public Fact<Compatibility> compatibility(byte[] vgpuMetadataBlob, String targetBdf) {
        return scoped(() -> Fact.<Compatibility>failed(NvmlReturn.UNINITIALIZED.code()), () -> {
            Fact<Pointer> found = handle(targetBdf);
            Pointer h = found.value();
            if (h == null) {
                return Fact.<Compatibility>sameFailure(found);
            }
            Fact<byte[]> pgpu = metadataBlob((buffer, size) -> lib.nvmlDeviceGetVgpuMetadata(h, buffer, size),
                    new NvmlStructures.VgpuPgpuMetadata().size());
            byte[] pgpuBytes = pgpu.value();
            if (pgpuBytes == null) {
                return Fact.<Compatibility>sameFailure(pgpu);
            }
            Memory vgpuBuffer = new Memory(Math.max(vgpuMetadataBlob.length, 1));
            vgpuBuffer.write(0, vgpuMetadataBlob, 0, vgpuMetadataBlob.length);
            Memory pgpuBuffer = new Memory(pgpuBytes.length);
            pgpuBuffer.write(0, pgpuBytes, 0, pgpuBytes.length);
            NvmlStructures.VgpuPgpuCompatibility out = new NvmlStructures.VgpuPgpuCompatibility();
            int code = call(() -> lib.nvmlGetVgpuCompatibility(vgpuBuffer, pgpuBuffer, out));
            if (code != NvmlReturn.SUCCESS.code()) {
                return Fact.<Compatibility>failed(code);
            }
            return Fact.of(new Compatibility(
                    NvmlTranslation.bitNames(NvmlConstants.VGPU_VM_COMPATIBILITY_BITS, out.vgpuVmCompatibility, "NONE"),
                    NvmlTranslation.bitNames(NvmlConstants.VGPU_COMPATIBILITY_LIMIT_BITS, out.compatibilityLimitCode,
                            "NONE")));
        });
    }

    private GpuPair pair(String a, String b) {
        Pointer ha = handles.get(a);
        Pointer hb = handles.get(b);
        Fact<Integer> ancestor = intValue(out -> lib.nvmlDeviceGetTopologyCommonAncestor(ha, hb, out));
        Map<String, Fact<String>> p2p = new LinkedHashMap<>();
        for (String cap : List.of("READ", "WRITE", "NVLINK", "ATOMICS", "PCI")) {
            int index = NvmlConstants.P2P_CAPS_INDEX.get(cap);
            p2p.put(cap, map(intValue(out -> lib.nvmlDeviceGetP2PStatus(ha, hb, index, out)),
                    value -> NvmlConstants.nameIn(NvmlConstants.P2P_STATUSES, value)));
        }
        return new GpuPair(a, b, map(ancestor, value -> NvmlConstants.nameIn(NvmlConstants.TOPOLOGY_LEVELS, value)),
                Collections.unmodifiableMap(p2p));
    }

    // ---------------------------------------------------------------- call helpers

    private interface StringCall {
        int call(byte[] buffer, int length);
    }

    private interface SizedStringCall {
        int call(byte[] buffer, IntByReference size);
    }

    private interface IntCall {
        int call(IntByReference out);
    }

    private interface IdsCall {
        int call(IntByReference count, int[] ids);
    }

    private static Fact<String> string(StringCall nativeCall, int length) {
        byte[] buffer = new byte[length];
        int code = call(() -> nativeCall.call(buffer, length));
        return code == NvmlReturn.SUCCESS.code() ? Fact.of(text(buffer)) : Fact.failed(code);
    }

    private static Fact<String> sizedString(SizedStringCall nativeCall) {
        byte[] buffer = new byte[NvmlConstants.DEVICE_NAME_V2_BUFFER_SIZE];
        IntByReference size = new IntByReference(buffer.length);
        int code = call(() -> nativeCall.call(buffer, size));
        return code == NvmlReturn.SUCCESS.code() ? Fact.of(text(buffer)) : Fact.failed(code);
    }

    private static Fact<Integer> intValue(IntCall nativeCall) {
        IntByReference out = new IntByReference();
        int code = call(() -> nativeCall.call(out));
        return code == NvmlReturn.SUCCESS.code() ? Fact.of(out.getValue()) : Fact.failed(code);
    }

    private static NvmlTranslation.Read read(IntCall nativeCall) {
        IntByReference out = new IntByReference();
        int code = call(() -> nativeCall.call(out));
        return new NvmlTranslation.Read(code, code == NvmlReturn.SUCCESS.code() ? out.getValue() : 0);
    }

    /** The count-then-fill idiom of {@code nvmlDeviceGet{Supported,Creatable,Active}Vgpus}. */
    private static Fact<List<Integer>> ids(IdsCall nativeCall) {
        IntByReference count = new IntByReference(0);
        int code = call(() -> nativeCall.call(count, null));
        for (int attempt = 0; attempt < 3 && code == NvmlReturn.INSUFFICIENT_SIZE.code(); attempt++) {
            int[] ids = new int[Math.max(1, count.getValue())];
            count.setValue(ids.length);
            code = call(() -> nativeCall.call(count, ids));
            if (code == NvmlReturn.SUCCESS.code()) {
                List<Integer> list = new ArrayList<>();
                for (int i = 0; i < Math.min(count.getValue(), ids.length); i++) {
                    list.add(ids[i]);
                }
                return Fact.of(List.copyOf(list));
            }
        }
        if (code == NvmlReturn.SUCCESS.code()) {
            return Fact.of(List.of());
        }
        return Fact.failed(code);
    }

    private static <T, R> Fact<R> map(Fact<T> fact, java.util.function.Function<T, R> f) {
        T value = fact.value();
        return value == null ? new Fact<>(null, fact.status()) : Fact.of(f.apply(value));
    }

    private static boolean notSupported(int code) {
        return code == NvmlReturn.NOT_SUPPORTED.code() || code == NvmlReturn.FUNCTION_NOT_FOUND.code();
    }

    private <T> T scoped(java.util.function.Supplier<T> whenClosed, java.util.function.Supplier<T> body) {
        session.readLock().lock();
        try {
            return closed ? whenClosed.get() : body.get();
        } finally {
            session.readLock().unlock();
        }
    }

    /**
     * After a driver reload (or a library and kernel module out of step) the session's handles and event
     * set are dead: shut NVML down, initialise it again, enumerate the GPUs anew and let the next wait build
     * a new event set. A failed initialisation is tried again at the next wait. Events thread only.
     */
    private void reinitialise() {
        session.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            Pointer set = eventSet;
            if (set != null) {
                call(() -> lib.nvmlEventSetFree(set));
            }
            eventSet = null;
            eventSetTried = false;
            eventRegistrations.clear();
            reportedLost.clear();
            handles.clear();
            bdfByHandle.clear();
            call(lib::nvmlShutdown);
            int code = call(lib::nvmlInit_v2);
            reinitialisations++;
            sessionLost = code != NvmlReturn.SUCCESS.code();
            if (!sessionLost) {
                enumerated = enumerate();
                lastReinitialisation = "re-initialised, " + enumerated.size() + " GPU(s)";
                log.warn("NVML session lost (driver reloaded?): re-initialised, {} GPU(s)", enumerated.size());
            } else {
                enumerated = List.of();
                lastReinitialisation = "nvmlInit_v2 answered " + NvmlReturn.nameOf(code);
                log.warn("NVML session lost and nvmlInit_v2 answered {}; trying again at the next wait",
                        NvmlReturn.nameOf(code));
            }
        } finally {
            session.writeLock().unlock();
        }
    }

    /** How often the events thread had to initialise NVML again, and how the last time went. */
    public String reinitialisationStatus() {
        return reinitialisations + " (" + lastReinitialisation + ")";
    }

    /** Frees the event set and calls {@code nvmlShutdown}; later calls answer UNINITIALIZED. Idempotent. */
    @Override
    public void close() {
        session.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            Pointer set = eventSet;
            if (set != null) {
                call(() -> lib.nvmlEventSetFree(set));
                eventSet = null;
            }
            handles.clear();
            bdfByHandle.clear();
            call(lib::nvmlShutdown);
        } finally {
            session.writeLock().unlock();
        }
    }
}
