package io.vgpufleet.agent.nvml;

import io.vgpufleet.agent.nvml.jna.JnaNvml;
import io.vgpufleet.agent.nvml.jna.NvmlUnavailableException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the NVML port of a real host: the JNA binding where {@code libnvidia-ml.so.1} loads and {@code
 * nvmlInit_v2} succeeds, else {@link NoNvml} and one log line "NVML unavailable: &lt;reason&gt;". The
 * binding holds an NVML session: whoever gets a port that is {@link AutoCloseable} closes it at shutdown
 * (that calls {@code nvmlShutdown}).
 */
public final class NvmlLoader {

    private static final Logger log = LoggerFactory.getLogger(NvmlLoader.class);

    private NvmlLoader() {}

    /**
     * The port and, where it is the fallback, why.
     *
     * @param unavailableReason the NVML return code's name (e.g. {@code NVML_ERROR_LIBRARY_NOT_FOUND}), with
     *     detail; null where NVML opened
     */
    public record Loaded(NvmlPort port, @Nullable String unavailableReason) {}

    /** The JNA binding, or {@link NoNvml} after logging why. */
    public static NvmlPort loadOrFallback() {
        Loaded loaded = load();
        if (loaded.unavailableReason() != null) {
            log.info("NVML unavailable: {}", loaded.unavailableReason());
        }
        return loaded.port();
    }

    /** As {@link #loadOrFallback()}, without logging, saying why it fell back. */
    public static Loaded load() {
        try {
            return new Loaded(JnaNvml.open(), null);
        } catch (NvmlUnavailableException e) {
            return new Loaded(new NoNvml(), e.getMessage());
        } catch (LinkageError | RuntimeException e) {
            // JNA's own native part could not load (no libjnidispatch for this platform, no temp dir).
            return new Loaded(new NoNvml(), NoNvml.LIBRARY_NOT_FOUND + " (" + e + ")");
        }
    }
}
