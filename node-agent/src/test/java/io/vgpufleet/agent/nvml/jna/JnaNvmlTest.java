package io.vgpufleet.agent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.vgpufleet.agent.nvml.NvmlDevice;
import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.host.EccMode;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The binding's scoping and call handling over a stub library: a plain dynamic proxy of {@link
 * NvmlLibrary} answering like one passthrough H100 (no Mockito: every answer is written out here).
 */
class JnaNvmlTest {

    private static final String BDF = "0000:00:06.0";
    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final Pointer GPU = new Pointer(0x1000);

    private final Map<String, Function<Object[], Object>> answers = new HashMap<>();
    private final Deque<Integer> waits = new ArrayDeque<>();
    private int shutdowns;

    private JnaNvmlTest() {
        answers.put("nvmlInit_v2", a -> 0);
        answers.put("nvmlShutdown", a -> {
            shutdowns++;
            return 0;
        });
        answers.put("nvmlDeviceGetCount_v2", a -> {
            ((IntByReference) a[0]).setValue(1);
            return 0;
        });
        answers.put("nvmlDeviceGetHandleByIndex_v2", a -> {
            ((PointerByReference) a[1]).setValue(GPU);
            return 0;
        });
        answers.put("nvmlDeviceGetHandleByPciBusId_v2", a -> 6);
        answers.put("nvmlDeviceGetPciInfo_v3", a -> {
            put(((NvmlStructures.PciInfo) a[1]).busId, "00000000:00:06.0");
            return 0;
        });
        answers.put("nvmlDeviceGetUUID", a -> put((byte[]) a[1], "GPU-90f74034-fcb5-594f-0ed5-0f57c8c32964"));
        answers.put("nvmlDeviceGetName", a -> put((byte[]) a[1], "NVIDIA H100 80GB HBM3"));
        answers.put("nvmlSystemGetDriverVersion", a -> put((byte[]) a[0], "580.159.04"));
        answers.put("nvmlDeviceGetMemoryInfo", a -> {
            ((NvmlStructures.Memory) a[1]).total = 81559L * 1024 * 1024;
            return 0;
        });
        answers.put("nvmlDeviceGetEccMode", a -> {
            ((IntByReference) a[1]).setValue(1);
            ((IntByReference) a[2]).setValue(1);
            return 0;
        });
        answers.put("nvmlDeviceGetTotalEccErrors", a -> {
            ((LongByReference) a[3]).setValue(10L * (Integer) a[1] + (Integer) a[2]);
            return 0;
        });
        answers.put("nvmlDeviceGetRemappedRows", a -> {
            ((IntByReference) a[1]).setValue(2);
            return 0;
        });
        answers.put("nvmlDeviceGetVirtualizationMode", a -> {
            ((IntByReference) a[1]).setValue(1);
            return 0;
        });
        answers.put("nvmlDeviceGetNumaNodeId", a -> {
            throw new UnsatisfiedLinkError("Error looking up function 'nvmlDeviceGetNumaNodeId'");
        });
        answers.put("nvmlEventSetCreate", a -> {
            ((PointerByReference) a[0]).setValue(new Pointer(0x2000));
            return 0;
        });
        answers.put("nvmlDeviceGetSupportedEventTypes", a -> {
            ((LongByReference) a[1]).setValue(0xff9fL);
            return 0;
        });
        answers.put("nvmlDeviceRegisterEvents", a -> (Long) a[1] == 0xbL ? 0 : 2);
        answers.put("nvmlEventSetFree", a -> 0);
        answers.put("nvmlEventSetWait_v2", a -> {
            NvmlStructures.EventData data = (NvmlStructures.EventData) a[1];
            int code = waits.isEmpty() ? NvmlReturn.TIMEOUT.code() : waits.pop();
            if (code == 0) {
                data.device = GPU;
                data.eventType = NvmlConstants.EVENT_TYPE_XID_CRITICAL_ERROR;
                data.eventData = 79;
            }
            return code;
        });
    }

    private static int put(byte[] buffer, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, buffer, 0, bytes.length);
        return 0;
    }

    private NvmlLibrary library() {
        return (NvmlLibrary) Proxy.newProxyInstance(NvmlLibrary.class.getClassLoader(),
                new Class<?>[] {NvmlLibrary.class}, (proxy, method, args) -> {
                    Function<Object[], Object> answer = answers.get(method.getName());
                    if (answer != null) {
                        return answer.apply(args);
                    }
                    if (method.getReturnType() == String.class) {
                        return "stub";
                    }
                    return NvmlReturn.NOT_SUPPORTED.code();
                });
    }

    private JnaNvml open() throws NvmlUnavailableException {
        return JnaNvml.open(library(), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    @Test
    void aPassthroughGpuAnswersItsFactsWithHostVgpuModeAbsent() throws Exception {
        try (JnaNvml nvml = open()) {
            assertThat(nvml.devices()).containsExactly(BDF);
            NvmlDevice device = nvml.deviceAt(BDF);
            assertThat(device.facts().available()).isTrue();
            assertThat(device.facts().virtualizationMode()).isEqualTo("PASSTHROUGH");
            assertThat(device.facts().hostVgpuMode()).isNull();
            assertThat(device.uuid()).isEqualTo("GPU-90f74034-fcb5-594f-0ed5-0f57c8c32964");
            assertThat(device.name()).isEqualTo("NVIDIA H100 80GB HBM3");
            assertThat(device.memoryMib()).isEqualTo(81559);
            assertThat(device.eccMode()).isEqualTo(EccMode.ON);
            assertThat(nvml.driverVersion()).contains("580.159.04");
        }
    }

    @Test
    void anUnknownBusIdIsUnavailableWithNotFound() throws Exception {
        try (JnaNvml nvml = open()) {
            assertThat(nvml.deviceAt("0000:99:00.0").facts().status()).isEqualTo("NVML_ERROR_NOT_FOUND");
            assertThat(nvml.healthOf("0000:99:00.0").unavailableReason()).isEqualTo("NVML_ERROR_NOT_FOUND");
        }
    }

    @Test
    void healthPassesEachCounterSelectorAndLeavesUnsupportedPartsAbsent() throws Exception {
        try (JnaNvml nvml = open()) {
            NvmlHealthSample sample = nvml.healthOf(BDF);
            // value = 10 * errorType + counterType: proves each selector reached its counter
            assertThat(sample.ecc()).isEqualTo(new EccCounters(0, 10, 1, 11));
            assertThat(sample.retiredPages()).isNull();
            assertThat(sample.remappedRows()).isEqualTo(new NvmlHealthSample.RemappedRows(2, 0, false, false));
        }
    }

    @Test
    void eventsAreDeliveredALostGpuIsReportedOnceAndFailuresNeverThrow() throws Exception {
        answers.put("nvmlDeviceGetMemoryInfo", a -> NvmlReturn.GPU_IS_LOST.code());
        waits.add(0);
        waits.add(NvmlReturn.GPU_IS_LOST.code());
        waits.add(NvmlReturn.GPU_IS_LOST.code());
        waits.add(NvmlReturn.UNKNOWN.code());
        try (JnaNvml nvml = open()) {
            Duration timeout = Duration.ofMillis(20);
            assertThat(nvml.awaitEvent(timeout)).contains(new NvmlEvent(BDF, NvmlEvent.Kind.XID, 79, NOW));
            assertThat(nvml.eventSetStatus()).isEqualTo("created");
            assertThat(nvml.eventRegistrations()).containsEntry(BDF, "registered 0xb of supported 0xff9f");
            assertThat(nvml.awaitEvent(timeout)).contains(new NvmlEvent(BDF, NvmlEvent.Kind.GPU_LOST, 0, NOW));
            long start = System.nanoTime();
            assertThat(nvml.awaitEvent(timeout)).isEmpty();
            assertThat(nvml.awaitEvent(timeout)).isEmpty();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(timeout.multipliedBy(2));
            assertThat(nvml.awaitEvent(timeout)).isEmpty();
        }
    }

    @Test
    void theEventsThreadSurvivesADriverReloadByInitialisingAgain() throws Exception {
        Deque<Integer> inits = new ArrayDeque<>(java.util.List.of(0, NvmlReturn.DRIVER_NOT_LOADED.code(), 0));
        int[] eventSetsCreated = {0};
        answers.put("nvmlInit_v2", a -> inits.isEmpty() ? 0 : inits.pop());
        answers.put("nvmlEventSetCreate", a -> {
            eventSetsCreated[0]++;
            ((PointerByReference) a[0]).setValue(new Pointer(0x2000));
            return 0;
        });
        waits.add(NvmlReturn.UNINITIALIZED.code());
        waits.add(0);
        try (JnaNvml nvml = open()) {
            Duration timeout = Duration.ofMillis(20);

            assertThat(nvml.awaitEvent(timeout)).isEmpty();
            assertThat(nvml.reinitialisationStatus()).isEqualTo("1 (nvmlInit_v2 answered NVML_ERROR_DRIVER_NOT_LOADED)");
            assertThat(nvml.devices()).isEmpty();

            assertThat(nvml.awaitEvent(timeout)).isEmpty();
            assertThat(nvml.reinitialisationStatus()).isEqualTo("2 (re-initialised, 1 GPU(s))");
            assertThat(nvml.devices()).containsExactly(BDF);

            assertThat(nvml.awaitEvent(timeout)).contains(new NvmlEvent(BDF, NvmlEvent.Kind.XID, 79, NOW));
            assertThat(eventSetsCreated[0]).isEqualTo(2);
            assertThat(shutdowns).isEqualTo(2);
        }
        assertThat(shutdowns).isEqualTo(3);
    }

    @Test
    void withoutAnEventSetTheEventsThreadWaitsOutItsTimeout() throws Exception {
        answers.put("nvmlEventSetCreate", a -> NvmlReturn.NOT_SUPPORTED.code());
        try (JnaNvml nvml = open()) {
            long start = System.nanoTime();
            assertThat(nvml.awaitEvent(Duration.ofMillis(20))).isEqualTo(Optional.empty());
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(20));
            assertThat(nvml.eventSetStatus()).isEqualTo("NVML_ERROR_NOT_SUPPORTED");
        }
    }

    @Test
    void aSymbolTheDriverLacksIsNotSupportedAndVgpuCallsAreCapabilities() throws Exception {
        try (JnaNvml nvml = open()) {
            NvmlInventory.Gpu gpu = nvml.inventory().gpus().get(0);
            assertThat(gpu.numaNode().status()).isEqualTo("NVML_ERROR_FUNCTION_NOT_FOUND");
            assertThat(gpu.numaNode().notSupported()).isTrue();
            assertThat(gpu.supportedVgpuTypes().describe()).isEqualTo("not supported");
            assertThat(gpu.activeVgpus().describe()).isEqualTo("not supported");
            assertThat(gpu.vgpuMetadata().describe()).isEqualTo("not supported");
            assertThat(gpu.virtualizationMode().value()).isEqualTo("PASSTHROUGH");
        }
    }

    @Test
    void initFailureNamesTheReturnCode() {
        answers.put("nvmlInit_v2", a -> NvmlReturn.DRIVER_NOT_LOADED.code());
        assertThatThrownBy(this::open).isInstanceOf(NvmlUnavailableException.class)
                .extracting(e -> ((NvmlUnavailableException) e).reason())
                .isEqualTo("NVML_ERROR_DRIVER_NOT_LOADED");
    }

    @Test
    void closeShutsDownOnceAndLaterCallsAnswerUninitialized() throws Exception {
        waits.add(NvmlReturn.TIMEOUT.code());
        JnaNvml nvml = open();
        nvml.awaitEvent(Duration.ofMillis(1));
        nvml.close();
        nvml.close();
        assertThat(shutdowns).isEqualTo(1);
        assertThat(nvml.healthOf(BDF).unavailableReason()).isEqualTo("NVML_ERROR_UNINITIALIZED");
        assertThat(nvml.deviceAt(BDF).facts().status()).isEqualTo("NVML_ERROR_UNINITIALIZED");
        assertThat(nvml.driverVersion()).isEmpty();
    }
}
