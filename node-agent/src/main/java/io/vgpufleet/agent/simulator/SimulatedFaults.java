package io.vgpufleet.agent.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.host.EccMode;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * The memory health of a simulated host's GPUs, and the faults injected into it. One instance per
 * simulated host, shared by {@link SimulatedNvml} (which answers {@code healthOf} and {@code
 * awaitEvent} from it) and the agent's {@code POST /sim/gpus/{gpuUuid}/faults} handler.
 *
 * <p>The counters live in memory: a restarted agent finds its GPUs healthy again, as a real host finds
 * its volatile counters after a driver reload (aggregate counters, which a real GPU keeps in its
 * InfoROM, are lost too: the simulator does not pretend to persist them). Events are queued at once
 * and delivered in order by {@link #awaitEvent(Duration)}, as {@code nvmlEventSetWait_v2} delivers them.
 *
 * <p>What a fault does follows the GPU (see {@link Fault} for the request form):
 * <ul>
 *   <li>ECC faults need ECC on; page retirement needs a pre-Ampere GPU with ECC on; row remapping an
 *       Ampere or newer GPU. Elsewhere NVML would count nothing, and the injection is {@link
 *       NotApplicable}.
 *   <li>Events: single-bit ECC gives {@code SINGLE_BIT_ECC}; double-bit gives {@code DOUBLE_BIT_ECC} and
 *       Xid 48; a pending retirement or remap Xid 63; a remap failure Xid 64; a lost GPU Xid 79 and
 *       {@code GPU_LOST}; {@code xid} the Xid asked for.
 *   <li>A lost GPU answers {@code NVML_ERROR_GPU_IS_LOST} to {@code healthOf} and takes no fault but a
 *       reset.
 * </ul>
 * Deterministic: the same faults in the same order give the same counters and events (times from the
 * injected {@link Clock}).
 */
public final class SimulatedFaults {

    static final int EVENT_QUEUE = 4096;

    /** What an injection did. */
    public sealed interface Outcome permits Applied, UnknownGpu, NotApplicable {}

    /** The fault took effect on the GPU at {@code pciBdf}. */
    public record Applied(String gpuUuid, String pciBdf, Fault fault) implements Outcome {}

    /** No GPU of this simulated host has that UUID. */
    public record UnknownGpu(String gpuUuid) implements Outcome {}

    /** The GPU cannot have this fault (ECC off, wrong generation, lost). */
    public record NotApplicable(String reason) implements Outcome {}

    private final Path root;
    private final Clock clock;
    private final BlockingQueue<NvmlEvent> events = new LinkedBlockingQueue<>(EVENT_QUEUE);
    private @Nullable Map<String, GpuHealth> byBdf;

    public SimulatedFaults(Path root, Clock clock) {
        this.root = root.toAbsolutePath().normalize();
        this.clock = clock;
    }

    /** Applies a fault to the GPU with this UUID and queues the events the driver would deliver. */
    public synchronized Outcome inject(String gpuUuid, Fault fault) {
        Optional<GpuHealth> found = gpus().values().stream().filter(gpu -> gpu.uuid.equals(gpuUuid)).findFirst();
        if (found.isEmpty()) {
            return new UnknownGpu(gpuUuid);
        }
        GpuHealth gpu = found.get();
        Optional<String> refusal = gpu.refusal(fault);
        if (refusal.isPresent()) {
            return new NotApplicable(refusal.get());
        }
        gpu.apply(fault).forEach(event -> events.offer(event));
        return new Applied(gpuUuid, gpu.pciBdf, fault);
    }

    /** The counters as NVML would read them now. */
    public synchronized NvmlHealthSample sample(String pciBdf) {
        GpuHealth gpu = gpus().get(pciBdf);
        if (gpu == null) {
            return NvmlHealthSample.unavailable(pciBdf, "NVML_ERROR_NOT_FOUND");
        }
        return gpu.sample();
    }

    /** The next event, waiting up to {@code timeout}. */
    public Optional<NvmlEvent> awaitEvent(Duration timeout) throws InterruptedException {
        return Optional.ofNullable(events.poll(timeout.toNanos(), TimeUnit.NANOSECONDS));
    }

    /** The GPUs, read once from the simulator's NVML files (a simulated host's GPUs never change). */
    private Map<String, GpuHealth> gpus() {
        if (byBdf == null) {
            byBdf = load();
        }
        return byBdf;
    }

    private Map<String, GpuHealth> load() {
        Map<String, GpuHealth> gpus = new LinkedHashMap<>();
        Path dir = root.resolve("simulator/nvml");
        if (!Files.isDirectory(dir)) {
            return gpus;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                String name = String.valueOf(file.getFileName());
                if (!name.endsWith(".properties")) {
                    continue;
                }
                Properties device = new Properties();
                try (Reader reader = Files.newBufferedReader(file, UTF_8)) {
                    device.load(reader);
                }
                String bdf = name.substring(0, name.length() - ".properties".length());
                String uuid = device.getProperty("uuid");
                if (uuid == null) {
                    continue;
                }
                boolean ecc = EccMode.ON.name().equals(device.getProperty("ecc_mode"));
                boolean rows = GpuModel.MemoryRepair.ROW_REMAPPING.name().equals(device.getProperty("memory_repair"));
                gpus.put(bdf, new GpuHealth(bdf, uuid, ecc, rows));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the simulated GPUs under " + dir, e);
        }
        return gpus;
    }

    /** One GPU's counters; guarded by the enclosing instance's lock. */
    private final class GpuHealth {

        final String pciBdf;
        final String uuid;
        final boolean eccOn;
        final boolean remapsRows;
        long correctedVolatile;
        long uncorrectedVolatile;
        long correctedAggregate;
        long uncorrectedAggregate;
        int singleBitPages;
        int doubleBitPages;
        @Nullable Boolean retirementPendingDoubleBit;
        int correctableRows;
        int uncorrectableRows;
        @Nullable Boolean remapPendingUncorrectable;
        boolean remapFailure;
        boolean lost;

        GpuHealth(String pciBdf, String uuid, boolean eccOn, boolean remapsRows) {
            this.pciBdf = pciBdf;
            this.uuid = uuid;
            this.eccOn = eccOn;
            this.remapsRows = remapsRows;
        }

        Optional<String> refusal(Fault fault) {
            if (lost && !(fault instanceof Fault.Reset)) {
                return Optional.of("GPU " + uuid + " is lost (off the bus); only a reset brings it back");
            }
            boolean ecc = fault instanceof Fault.SingleBitEcc || fault instanceof Fault.DoubleBitEcc
                    || fault instanceof Fault.PageRetirementPending || fault instanceof Fault.PageRetired;
            if (ecc && !eccOn) {
                return Optional.of("ECC is off on GPU " + uuid + ": NVML counts no ECC errors and retires no pages");
            }
            boolean pages = fault instanceof Fault.PageRetirementPending || fault instanceof Fault.PageRetired;
            if (pages && remapsRows) {
                return Optional.of("GPU " + uuid + " remaps rows (Ampere or newer): it retires no pages");
            }
            boolean rows = fault instanceof Fault.RowRemapPending || fault instanceof Fault.RowRemapFailure;
            if (rows && !remapsRows) {
                return Optional.of("GPU " + uuid + " retires pages (before Ampere): it remaps no rows");
            }
            return Optional.empty();
        }

        List<NvmlEvent> apply(Fault fault) {
            if (fault instanceof Fault.SingleBitEcc sbe) {
                correctedVolatile += sbe.count();
                correctedAggregate += sbe.count();
                return List.of(event(NvmlEvent.Kind.SINGLE_BIT_ECC, 0));
            }
            if (fault instanceof Fault.DoubleBitEcc dbe) {
                uncorrectedVolatile += dbe.count();
                uncorrectedAggregate += dbe.count();
                return List.of(event(NvmlEvent.Kind.DOUBLE_BIT_ECC, 0), event(NvmlEvent.Kind.XID, 48));
            }
            if (fault instanceof Fault.PageRetirementPending pending) {
                retirementPendingDoubleBit = pending.doubleBit();
                return List.of(event(NvmlEvent.Kind.XID, 63));
            }
            if (fault instanceof Fault.PageRetired retired) {
                if (retired.doubleBit()) {
                    doubleBitPages += retired.count();
                } else {
                    singleBitPages += retired.count();
                }
                return List.of();
            }
            if (fault instanceof Fault.RowRemapPending pending) {
                remapPendingUncorrectable = pending.uncorrectable();
                return List.of(event(NvmlEvent.Kind.XID, 63));
            }
            if (fault instanceof Fault.RowRemapFailure) {
                remapFailure = true;
                return List.of(event(NvmlEvent.Kind.XID, 64));
            }
            if (fault instanceof Fault.Xid xid) {
                return List.of(event(NvmlEvent.Kind.XID, xid.code()));
            }
            if (fault instanceof Fault.GpuLost) {
                lost = true;
                return List.of(event(NvmlEvent.Kind.XID, 79), event(NvmlEvent.Kind.GPU_LOST, 0));
            }
            reset();
            return List.of();
        }

        private void reset() {
            correctedVolatile = 0;
            uncorrectedVolatile = 0;
            if (retirementPendingDoubleBit != null) {
                if (retirementPendingDoubleBit) {
                    doubleBitPages++;
                } else {
                    singleBitPages++;
                }
                retirementPendingDoubleBit = null;
            }
            if (remapPendingUncorrectable != null) {
                if (remapPendingUncorrectable) {
                    uncorrectableRows++;
                } else {
                    correctableRows++;
                }
                remapPendingUncorrectable = null;
            }
            lost = false;
        }

        NvmlHealthSample sample() {
            if (lost) {
                return NvmlHealthSample.unavailable(pciBdf, "NVML_ERROR_GPU_IS_LOST");
            }
            EccCounters ecc = eccOn
                    ? new EccCounters(correctedVolatile, uncorrectedVolatile, correctedAggregate, uncorrectedAggregate)
                    : null;
            NvmlHealthSample.RetiredPages pages = eccOn && !remapsRows
                    ? new NvmlHealthSample.RetiredPages(singleBitPages, doubleBitPages, retirementPendingDoubleBit != null)
                    : null;
            NvmlHealthSample.RemappedRows rows = remapsRows
                    ? new NvmlHealthSample.RemappedRows(correctableRows, uncorrectableRows,
                            remapPendingUncorrectable != null, remapFailure)
                    : null;
            return new NvmlHealthSample(pciBdf, ecc, pages, rows, null);
        }

        private NvmlEvent event(NvmlEvent.Kind kind, long xid) {
            return new NvmlEvent(pciBdf, kind, xid, clock.instant());
        }
    }
}
