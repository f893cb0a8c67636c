package io.vgpufleet.agent.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.testing.HostileStrings;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

class SimulatedFaultsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    @TempDir
    Path root;

    private SimulatedFaults faults;
    private SimulatedNvml nvml;
    private PhysicalGpu p4;
    private PhysicalGpu t4;
    private PhysicalGpu a100;

    @BeforeEach
    void layOutAMixedHost() {
        SimulatedHost.layOut(root, HostProfile.MIXED, 5);
        faults = new SimulatedFaults(root, Clock.fixed(NOW, ZoneOffset.UTC));
        nvml = new SimulatedNvml(root, faults);
        DiscoveredHost host = new HostDiscovery(new SysfsReader(root), nvml, "sim-01").discover();
        p4 = host.gpus().get(0);
        t4 = host.gpus().get(1);
        a100 = host.gpus().get(2);
    }

    @Test
    void aHealthyGpuReportsWhatItsGenerationSupports() {
        assertThat(nvml.healthOf(p4.pciBdf())).isEqualTo(new NvmlHealthSample(p4.pciBdf(), null, null, null, null));
        assertThat(nvml.healthOf(t4.pciBdf())).isEqualTo(new NvmlHealthSample(t4.pciBdf(), EccCounters.ZERO,
                new NvmlHealthSample.RetiredPages(0, 0, false), null, null));
        assertThat(nvml.healthOf(a100.pciBdf())).isEqualTo(new NvmlHealthSample(a100.pciBdf(), EccCounters.ZERO, null,
                new NvmlHealthSample.RemappedRows(0, 0, false, false), null));
        assertThat(nvml.healthOf("0000:ff:00.0").unavailableReason()).isEqualTo("NVML_ERROR_NOT_FOUND");
    }

    @Test
    void aDoubleBitErrorCountsAndDeliversTheEccEventAndXid48AtOnce() throws InterruptedException {
        assertThat(faults.inject(a100.uuid(), new Fault.DoubleBitEcc(2))).isInstanceOf(SimulatedFaults.Applied.class);

        assertThat(nvml.healthOf(a100.pciBdf()).ecc()).isEqualTo(new EccCounters(0, 2, 0, 2));
        assertThat(events()).containsExactly(
                new NvmlEvent(a100.pciBdf(), NvmlEvent.Kind.DOUBLE_BIT_ECC, 0, NOW),
                new NvmlEvent(a100.pciBdf(), NvmlEvent.Kind.XID, 48, NOW));
    }

    @Test
    void aResetRestartsVolatileCountersAndAppliesWhatWasPending() throws InterruptedException {
        faults.inject(t4.uuid(), new Fault.SingleBitEcc(5));
        faults.inject(t4.uuid(), new Fault.DoubleBitEcc(1));
        faults.inject(t4.uuid(), new Fault.PageRetirementPending(true));
        assertThat(nvml.healthOf(t4.pciBdf()).retiredPages()).isEqualTo(new NvmlHealthSample.RetiredPages(0, 0, true));

        faults.inject(t4.uuid(), new Fault.Reset());

        NvmlHealthSample after = nvml.healthOf(t4.pciBdf());
        assertThat(after.ecc()).isEqualTo(new EccCounters(0, 0, 5, 1));
        assertThat(after.retiredPages()).isEqualTo(new NvmlHealthSample.RetiredPages(0, 1, false));
        assertThat(events()).extracting(NvmlEvent::kind, NvmlEvent::xid).containsExactly(
                org.assertj.core.groups.Tuple.tuple(NvmlEvent.Kind.SINGLE_BIT_ECC, 0L),
                org.assertj.core.groups.Tuple.tuple(NvmlEvent.Kind.DOUBLE_BIT_ECC, 0L),
                org.assertj.core.groups.Tuple.tuple(NvmlEvent.Kind.XID, 48L),
                org.assertj.core.groups.Tuple.tuple(NvmlEvent.Kind.XID, 63L));
    }

    @Test
    void rowRemappingFailureStaysAcrossAReset() {
        faults.inject(a100.uuid(), new Fault.RowRemapPending(true));
        faults.inject(a100.uuid(), new Fault.RowRemapFailure());
        faults.inject(a100.uuid(), new Fault.Reset());

        assertThat(nvml.healthOf(a100.pciBdf()).remappedRows())
                .isEqualTo(new NvmlHealthSample.RemappedRows(0, 1, false, true));
    }

    @Test
    void aLostGpuAnswersGpuIsLostAndTakesNothingButAReset() throws InterruptedException {
        faults.inject(a100.uuid(), new Fault.GpuLost());

        assertThat(nvml.healthOf(a100.pciBdf()).unavailableReason()).isEqualTo("NVML_ERROR_GPU_IS_LOST");
        assertThat(faults.inject(a100.uuid(), new Fault.Xid(13))).isInstanceOf(SimulatedFaults.NotApplicable.class);
        assertThat(events()).extracting(NvmlEvent::kind).containsExactly(NvmlEvent.Kind.XID, NvmlEvent.Kind.GPU_LOST);

        faults.inject(a100.uuid(), new Fault.Reset());
        assertThat(nvml.healthOf(a100.pciBdf()).unavailableReason()).isNull();
    }

    @Test
    void refusesFaultsTheGpuCannotHave() {
        assertThat(faults.inject(p4.uuid(), new Fault.DoubleBitEcc(1)))
                .isInstanceOfSatisfying(SimulatedFaults.NotApplicable.class, r -> assertThat(r.reason()).contains("ECC is off"));
        assertThat(faults.inject(a100.uuid(), new Fault.PageRetired(true, 1)))
                .isInstanceOfSatisfying(SimulatedFaults.NotApplicable.class, r -> assertThat(r.reason()).contains("remaps rows"));
        assertThat(faults.inject(t4.uuid(), new Fault.RowRemapFailure()))
                .isInstanceOfSatisfying(SimulatedFaults.NotApplicable.class, r -> assertThat(r.reason()).contains("retires pages"));
        assertThat(faults.inject("GPU-00000000-0000-0000-0000-000000000000", new Fault.Reset()))
                .isInstanceOf(SimulatedFaults.UnknownGpu.class);
    }

    @Test
    void parsesEveryKindWithItsFieldsAndDefaults() {
        assertThat(parse("{\"kind\":\"single-bit-ecc\"}")).isEqualTo(new Fault.SingleBitEcc(1));
        assertThat(parse("{\"kind\":\"double-bit-ecc\",\"count\":3}")).isEqualTo(new Fault.DoubleBitEcc(3));
        assertThat(parse("{\"kind\":\"page-retirement-pending\"}")).isEqualTo(new Fault.PageRetirementPending(true));
        assertThat(parse("{\"kind\":\"page-retired\",\"cause\":\"sbe\",\"count\":2}")).isEqualTo(new Fault.PageRetired(false, 2));
        assertThat(parse("{\"kind\":\"row-remap-pending\",\"cause\":\"correctable\"}")).isEqualTo(new Fault.RowRemapPending(false));
        assertThat(parse("{\"kind\":\"row-remap-failure\"}")).isEqualTo(new Fault.RowRemapFailure());
        for (int xid : new int[] {48, 63, 64, 79, 92, 94, 95}) {
            assertThat(parse("{\"kind\":\"xid\",\"code\":" + xid + "}")).isEqualTo(new Fault.Xid(xid));
        }
        assertThat(parse("{\"kind\":\"gpu-lost\"}")).isEqualTo(new Fault.GpuLost());
        assertThat(parse("{\"kind\":\"reset\"}")).isEqualTo(new Fault.Reset());
    }

    @Test
    void refusesMalformedFaultsWithTheReason() {
        assertRefused("[]", "JSON object");
        assertRefused("{\"kind\":\"meltdown\"}", "kind must be one of");
        assertRefused("{\"kind\":\"xid\"}", "code must be an integer from 1 to 1000");
        assertRefused("{\"kind\":\"xid\",\"code\":\"48\"}", "code must be an integer");
        assertRefused("{\"kind\":\"xid\",\"code\":1001}", "code must be an integer");
        assertRefused("{\"kind\":\"double-bit-ecc\",\"count\":0}", "count must be an integer");
        assertRefused("{\"kind\":\"page-retired\",\"cause\":\"both\"}", "cause must be 'sbe' or 'dbe'");
        assertRefused("{\"kind\":\"reset\",\"count\":1}", "takes no field 'count'");
    }

    @Test
    void hostileKindsAndFieldsAreRefusedNeverThrownPast() {
        for (String value : HostileStrings.sample(31, 500, "kind", "count", "xid", "reset")) {
            JsonNode body = EventCodec.json().createObjectNode().put("kind", value).put(value, value);
            try {
                Fault fault = Fault.parse(body);
                assertThat(Fault.KINDS).contains(value);
                assertThat(fault).isNotNull();
            } catch (IllegalArgumentException expected) {
                assertThat(expected.getMessage()).isNotBlank();
            }
        }
    }

    private List<NvmlEvent> events() throws InterruptedException {
        List<NvmlEvent> events = new ArrayList<>();
        for (Optional<NvmlEvent> event = nvml.awaitEvent(Duration.ZERO); event.isPresent();
                event = nvml.awaitEvent(Duration.ZERO)) {
            events.add(event.get());
        }
        return events;
    }

    private static Fault parse(String json) {
        return Fault.parse(EventCodec.json().readTree(json));
    }

    private static void assertRefused(String json, String message) {
        assertThatThrownBy(() -> parse(json)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
