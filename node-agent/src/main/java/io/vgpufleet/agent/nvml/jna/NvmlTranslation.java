package io.vgpufleet.agent.nvml.jna;

import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.host.EccMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Pure translation from what NVML calls answered (return codes and raw values) to the port's values. No
 * native call happens here, so every rule is tested without the library: NOT_SUPPORTED makes a part
 * absent; any other failure makes the whole answer unavailable with the return code's name.
 */
public final class NvmlTranslation {

    private static final Pattern NVML_BUS_ID =
            Pattern.compile("([0-9a-fA-F]{1,8}):([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-7])");

    private NvmlTranslation() {}

    /** One scalar an NVML call answered: its return code and, where it succeeded, the value. */
    public record Read(int code, long value) {
        public static Read ok(long value) {
            return new Read(NvmlReturn.SUCCESS.code(), value);
        }

        public static Read failed(NvmlReturn code) {
            return new Read(code.code(), 0);
        }

        public boolean succeeded() {
            return code == NvmlReturn.SUCCESS.code();
        }

        public boolean notSupported() {
            return code == NvmlReturn.NOT_SUPPORTED.code() || code == NvmlReturn.FUNCTION_NOT_FOUND.code();
        }
    }

    /**
     * The raw answers of one health poll of one GPU.
     *
     * @param retiredSingleBit count from {@code nvmlDeviceGetRetiredPages} with cause multiple single-bit
     *     (INSUFFICIENT_SIZE counts as success: the count was still written)
     * @param retiredPending {@code nvmlDeviceGetRetiredPagesPendingStatus}, 1 where pending
     * @param remap {@code nvmlDeviceGetRemappedRows} return code; the four ints are its outputs
     */
    public record RawHealth(
            String pciBdf,
            Read correctedVolatile,
            Read uncorrectedVolatile,
            Read correctedAggregate,
            Read uncorrectedAggregate,
            Read retiredSingleBit,
            Read retiredDoubleBit,
            Read retiredPending,
            int remap,
            int remappedCorrectable,
            int remappedUncorrectable,
            int remapPending,
            int remapFailure) {}

    /** The port's health sample for the raw answers of one poll. */
    public static NvmlHealthSample healthSample(RawHealth raw) {
        List<Read> all = List.of(raw.correctedVolatile(), raw.uncorrectedVolatile(), raw.correctedAggregate(),
                raw.uncorrectedAggregate(), raw.retiredSingleBit(), raw.retiredDoubleBit(), raw.retiredPending(),
                new Read(raw.remap(), 0));
        for (Read read : all) {
            if (!read.succeeded() && !read.notSupported()) {
                return NvmlHealthSample.unavailable(raw.pciBdf(), NvmlReturn.nameOf(read.code()));
            }
        }
        EccCounters ecc = allSucceeded(raw.correctedVolatile(), raw.uncorrectedVolatile(), raw.correctedAggregate(),
                raw.uncorrectedAggregate())
                ? new EccCounters(raw.correctedVolatile().value(), raw.uncorrectedVolatile().value(),
                        raw.correctedAggregate().value(), raw.uncorrectedAggregate().value())
                : null;
        NvmlHealthSample.RetiredPages retired = allSucceeded(raw.retiredSingleBit(), raw.retiredDoubleBit(),
                raw.retiredPending())
                ? new NvmlHealthSample.RetiredPages((int) raw.retiredSingleBit().value(),
                        (int) raw.retiredDoubleBit().value(),
                        raw.retiredPending().value() == NvmlConstants.FEATURE_ENABLED)
                : null;
        NvmlHealthSample.RemappedRows remapped = raw.remap() == NvmlReturn.SUCCESS.code()
                ? new NvmlHealthSample.RemappedRows(raw.remappedCorrectable(), raw.remappedUncorrectable(),
                        raw.remapPending() != 0, raw.remapFailure() != 0)
                : null;
        return new NvmlHealthSample(raw.pciBdf(), ecc, retired, remapped, null);
    }

    private static boolean allSucceeded(Read... reads) {
        for (Read read : reads) {
            if (!read.succeeded()) {
                return false;
            }
        }
        return true;
    }

    /**
     * The event an {@code nvmlEventSetWait_v2} success delivered, or empty for an event type the port does
     * not report (PState, clock, ...).
     *
     * @param eventData the Xid for {@code nvmlEventTypeXidCriticalError} (999 where the driver does not know it)
     */
    public static Optional<NvmlEvent> event(String pciBdf, long eventType, long eventData, Instant at) {
        if (eventType == NvmlConstants.EVENT_TYPE_SINGLE_BIT_ECC_ERROR) {
            return Optional.of(new NvmlEvent(pciBdf, NvmlEvent.Kind.SINGLE_BIT_ECC, 0, at));
        }
        if (eventType == NvmlConstants.EVENT_TYPE_DOUBLE_BIT_ECC_ERROR) {
            return Optional.of(new NvmlEvent(pciBdf, NvmlEvent.Kind.DOUBLE_BIT_ECC, 0, at));
        }
        if (eventType == NvmlConstants.EVENT_TYPE_XID_CRITICAL_ERROR) {
            return Optional.of(new NvmlEvent(pciBdf, NvmlEvent.Kind.XID, eventData, at));
        }
        return Optional.empty();
    }

    /** What the events thread does after {@code nvmlEventSetWait_v2} returned a code. */
    public enum WaitOutcome {
        /** An event arrived: translate it. */
        DELIVER,
        /** The timeout passed with no event. */
        NOTHING,
        /** A GPU fell off the bus: report it lost. */
        GPU_LOST,
        /**
         * The NVML session is gone (driver unloaded or reloaded, library and kernel module out of step):
         * shut down, initialise again and build a new event set.
         */
        REINITIALISE,
        /** Any other failure: report nothing and wait out the rest of the timeout (never spin). */
        BACK_OFF
    }

    public static WaitOutcome waitOutcome(int code) {
        if (code == NvmlReturn.SUCCESS.code()) {
            return WaitOutcome.DELIVER;
        }
        if (code == NvmlReturn.TIMEOUT.code()) {
            return WaitOutcome.NOTHING;
        }
        if (code == NvmlReturn.GPU_IS_LOST.code()) {
            return WaitOutcome.GPU_LOST;
        }
        if (code == NvmlReturn.UNINITIALIZED.code() || code == NvmlReturn.DRIVER_NOT_LOADED.code()
                || code == NvmlReturn.LIB_RM_VERSION_MISMATCH.code()) {
            return WaitOutcome.REINITIALISE;
        }
        return WaitOutcome.BACK_OFF;
    }

    /** The event types to register on a device: the critical ones among those it supports. */
    public static long criticalEventMask(long supportedEventTypes) {
        return supportedEventTypes & NvmlConstants.CRITICAL_EVENTS;
    }

    /** The port's ECC mode from {@code nvmlDeviceGetEccMode}'s current value. */
    public static EccMode eccMode(int code, int current) {
        if (code != NvmlReturn.SUCCESS.code()) {
            return EccMode.UNKNOWN;
        }
        return current == NvmlConstants.FEATURE_ENABLED ? EccMode.ON : EccMode.OFF;
    }

    /**
     * The sysfs form ({@code dddd:bb:dd.f}, lower case) of NVML's bus id ({@code 00000000:3B:00.0}); a
     * domain above 0xffff keeps 8 digits. Empty where the text is no bus id.
     */
    public static Optional<String> sysfsBdf(String nvmlBusId) {
        Matcher m = NVML_BUS_ID.matcher(nvmlBusId.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        long domain = Long.parseLong(m.group(1), 16);
        String domainText = domain > 0xffff ? String.format(Locale.ROOT, "%08x", domain)
                : String.format(Locale.ROOT, "%04x", domain);
        return Optional.of(String.format(Locale.ROOT, "%s:%02x:%02x.%s", domainText,
                Integer.parseInt(m.group(2), 16), Integer.parseInt(m.group(3), 16), m.group(4)));
    }

    /** The text of a NUL-terminated C buffer (ASCII in everything NVML writes). */
    public static String text(byte[] buffer) {
        int end = 0;
        while (end < buffer.length && buffer[end] != 0) {
            end++;
        }
        return new String(buffer, 0, end, StandardCharsets.UTF_8);
    }

    /** The names of the bits set in a bitfield; {@code noneName} where none is. */
    public static List<String> bitNames(Map<Integer, String> bits, int value, String noneName) {
        List<String> names = new ArrayList<>();
        for (int bit = 0; bit < 32; bit++) {
            int mask = 1 << bit;
            if ((value & mask) != 0) {
                names.add(NvmlConstants.nameIn(bits, mask));
            }
        }
        return names.isEmpty() ? List.of(noneName) : List.copyOf(names);
    }

    /** CPU ids set in {@code nvmlDeviceGetCpuAffinity}'s bitmask words (64 CPUs a word on 64-bit). */
    public static List<Integer> cpuIds(long[] words, int bitsPerWord) {
        List<Integer> cpus = new ArrayList<>();
        for (int w = 0; w < words.length; w++) {
            for (int b = 0; b < bitsPerWord; b++) {
                if ((words[w] >>> b & 1L) != 0) {
                    cpus.add(w * bitsPerWord + b);
                }
            }
        }
        return List.copyOf(cpus);
    }

    /** The code's name where it is a failure, for answers that carry a status. */
    public static @Nullable String failureName(int code) {
        return code == NvmlReturn.SUCCESS.code() ? null : NvmlReturn.nameOf(code);
    }
}
