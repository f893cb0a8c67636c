package io.vgpufleet.agent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.agent.nvml.jna.NvmlTranslation.RawHealth;
import io.vgpufleet.agent.nvml.jna.NvmlTranslation.Read;
import io.vgpufleet.agent.nvml.jna.NvmlTranslation.WaitOutcome;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.host.EccMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure rules from raw NVML answers to the port's values. */
class NvmlTranslationTest {

    private static final String BDF = "0000:3b:00.0";
    private static final Instant AT = Instant.parse("2026-11-25T10:00:00Z");
    private static final int OK = 0;
    private static final int NOT_SUPPORTED = NvmlReturn.NOT_SUPPORTED.code();

    private static RawHealth hopper() {
        Read notSupported = Read.failed(NvmlReturn.NOT_SUPPORTED);
        return new RawHealth(BDF, Read.ok(1), Read.ok(2), Read.ok(3), Read.ok(4), notSupported, notSupported,
                notSupported, OK, 5, 6, 1, 0);
    }

    private static RawHealth pascal() {
        return new RawHealth(BDF, Read.ok(7), Read.ok(0), Read.ok(70), Read.ok(1), Read.ok(2), Read.ok(1),
                Read.ok(NvmlConstants.FEATURE_ENABLED), NOT_SUPPORTED, 0, 0, 0, 0);
    }

    @Test
    void aHopperGpuHasEccCountersAndRemappedRowsButNoRetiredPages() {
        NvmlHealthSample sample = NvmlTranslation.healthSample(hopper());
        assertThat(sample.unavailableReason()).isNull();
        assertThat(sample.ecc()).isEqualTo(new EccCounters(1, 2, 3, 4));
        assertThat(sample.retiredPages()).isNull();
        assertThat(sample.remappedRows()).isEqualTo(new NvmlHealthSample.RemappedRows(5, 6, true, false));
    }

    @Test
    void aPascalGpuHasRetiredPagesWithThePendingFlagAndNoRemappedRows() {
        NvmlHealthSample sample = NvmlTranslation.healthSample(pascal());
        assertThat(sample.ecc()).isEqualTo(new EccCounters(7, 0, 70, 1));
        assertThat(sample.retiredPages()).isEqualTo(new NvmlHealthSample.RetiredPages(2, 1, true));
        assertThat(sample.remappedRows()).isNull();
    }

    @Test
    void eccOffMakesTheCountersAbsentNotAFailure() {
        RawHealth raw = hopper();
        RawHealth eccOff = new RawHealth(BDF, Read.failed(NvmlReturn.NOT_SUPPORTED), raw.uncorrectedVolatile(),
                raw.correctedAggregate(), raw.uncorrectedAggregate(), raw.retiredSingleBit(), raw.retiredDoubleBit(),
                raw.retiredPending(), OK, 0, 0, 0, 0);
        NvmlHealthSample sample = NvmlTranslation.healthSample(eccOff);
        assertThat(sample.unavailableReason()).isNull();
        assertThat(sample.ecc()).isNull();
        assertThat(sample.remappedRows()).isNotNull();
    }

    @Test
    void aLostGpuMakesTheWholeSampleUnavailableWithTheCodesName() {
        RawHealth raw = pascal();
        RawHealth lost = new RawHealth(BDF, raw.correctedVolatile(), raw.uncorrectedVolatile(),
                raw.correctedAggregate(), raw.uncorrectedAggregate(), raw.retiredSingleBit(),
                Read.failed(NvmlReturn.GPU_IS_LOST), raw.retiredPending(), NOT_SUPPORTED, 0, 0, 0, 0);
        NvmlHealthSample sample = NvmlTranslation.healthSample(lost);
        assertThat(sample.unavailableReason()).isEqualTo("NVML_ERROR_GPU_IS_LOST");
        assertThat(sample.ecc()).isNull();
        assertThat(sample.pciBdf()).isEqualTo(BDF);
    }

    @Test
    void anyOtherFailureIsUnavailableToo() {
        RawHealth raw = hopper();
        RawHealth failed = new RawHealth(BDF, raw.correctedVolatile(), raw.uncorrectedVolatile(),
                raw.correctedAggregate(), raw.uncorrectedAggregate(), raw.retiredSingleBit(), raw.retiredDoubleBit(),
                raw.retiredPending(), NvmlReturn.UNKNOWN.code(), 0, 0, 0, 0);
        assertThat(NvmlTranslation.healthSample(failed).unavailableReason()).isEqualTo("NVML_ERROR_UNKNOWN");
    }

    @Test
    void aSymbolTheDriverLacksIsAnAbsentCapability() {
        RawHealth raw = hopper();
        RawHealth old = new RawHealth(BDF, raw.correctedVolatile(), raw.uncorrectedVolatile(),
                raw.correctedAggregate(), raw.uncorrectedAggregate(), raw.retiredSingleBit(), raw.retiredDoubleBit(),
                raw.retiredPending(), NvmlReturn.FUNCTION_NOT_FOUND.code(), 0, 0, 0, 0);
        NvmlHealthSample sample = NvmlTranslation.healthSample(old);
        assertThat(sample.unavailableReason()).isNull();
        assertThat(sample.remappedRows()).isNull();
    }

    @Test
    void criticalEventsBecomePortEvents() {
        assertThat(NvmlTranslation.event(BDF, 0x1, 0, AT))
                .contains(new NvmlEvent(BDF, NvmlEvent.Kind.SINGLE_BIT_ECC, 0, AT));
        assertThat(NvmlTranslation.event(BDF, 0x2, 0, AT))
                .contains(new NvmlEvent(BDF, NvmlEvent.Kind.DOUBLE_BIT_ECC, 0, AT));
        assertThat(NvmlTranslation.event(BDF, 0x8, 79, AT)).contains(new NvmlEvent(BDF, NvmlEvent.Kind.XID, 79, AT));
        assertThat(NvmlTranslation.event(BDF, 0x4, 0, AT)).isEmpty();
    }

    @Test
    void waitCodesDecideWhatTheEventsThreadDoes() {
        assertThat(NvmlTranslation.waitOutcome(0)).isEqualTo(WaitOutcome.DELIVER);
        assertThat(NvmlTranslation.waitOutcome(10)).isEqualTo(WaitOutcome.NOTHING);
        assertThat(NvmlTranslation.waitOutcome(15)).isEqualTo(WaitOutcome.GPU_LOST);
        assertThat(NvmlTranslation.waitOutcome(999)).isEqualTo(WaitOutcome.BACK_OFF);
        assertThat(NvmlTranslation.waitOutcome(2)).isEqualTo(WaitOutcome.BACK_OFF);
        // the session is gone: uninitialised, driver not loaded, library and kernel module out of step
        assertThat(NvmlTranslation.waitOutcome(1)).isEqualTo(WaitOutcome.REINITIALISE);
        assertThat(NvmlTranslation.waitOutcome(9)).isEqualTo(WaitOutcome.REINITIALISE);
        assertThat(NvmlTranslation.waitOutcome(18)).isEqualTo(WaitOutcome.REINITIALISE);
    }

    @Test
    void onlySupportedCriticalEventTypesAreRegistered() {
        // the H100 of the self-check supports 0xff9f
        assertThat(NvmlTranslation.criticalEventMask(0xff9fL)).isEqualTo(0xbL);
        assertThat(NvmlTranslation.criticalEventMask(0x4L | 0x10L)).isZero();
        assertThat(NvmlTranslation.criticalEventMask(0x8L)).isEqualTo(0x8L);
    }

    @Test
    void eccModeIsUnknownWhereNvmlCannotSay() {
        assertThat(NvmlTranslation.eccMode(0, 1)).isEqualTo(EccMode.ON);
        assertThat(NvmlTranslation.eccMode(0, 0)).isEqualTo(EccMode.OFF);
        assertThat(NvmlTranslation.eccMode(NOT_SUPPORTED, 1)).isEqualTo(EccMode.UNKNOWN);
    }

    @Test
    void nvmlBusIdsBecomeSysfsAddresses() {
        assertThat(NvmlTranslation.sysfsBdf("00000000:3B:00.0")).contains("0000:3b:00.0");
        assertThat(NvmlTranslation.sysfsBdf("0000:3b:00.0")).contains("0000:3b:00.0");
        assertThat(NvmlTranslation.sysfsBdf("00010000:01:1F.7")).contains("00010000:01:1f.7");
        assertThat(NvmlTranslation.sysfsBdf("GPU-123")).isEmpty();
        assertThat(NvmlTranslation.sysfsBdf("")).isEmpty();
    }

    @Test
    void cBuffersEndAtTheirFirstNul() {
        byte[] buffer = new byte[16];
        byte[] text = "580.159".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, buffer, 0, text.length);
        buffer[10] = 'x';
        assertThat(NvmlTranslation.text(buffer)).isEqualTo("580.159");
        assertThat(NvmlTranslation.text(new byte[0])).isEmpty();
    }

    @Test
    void bitfieldsAndAffinityMasksDecode() {
        assertThat(NvmlTranslation.bitNames(NvmlConstants.VGPU_VM_COMPATIBILITY_BITS, 0x9, "NONE"))
                .containsExactly("COLD", "LIVE");
        assertThat(NvmlTranslation.bitNames(NvmlConstants.VGPU_COMPATIBILITY_LIMIT_BITS, 0, "NONE"))
                .containsExactly("NONE");
        assertThat(NvmlTranslation.bitNames(NvmlConstants.VGPU_COMPATIBILITY_LIMIT_BITS, 0x80000002, "NONE"))
                .containsExactly("GUEST_DRIVER", "OTHER");
        assertThat(NvmlTranslation.cpuIds(new long[] {0x3L, 0x3L}, 64)).isEqualTo(List.of(0, 1, 64, 65));
        assertThat(NvmlTranslation.cpuIds(new long[] {Long.MIN_VALUE}, 64)).isEqualTo(List.of(63));
    }

    @Test
    void factsCarryAValueOrTheCodesName() {
        assertThat(Fact.of(3).describe()).isEqualTo("3");
        assertThat(Fact.failed(NOT_SUPPORTED).describe()).isEqualTo("not supported");
        assertThat(Fact.failed(NOT_SUPPORTED).error()).isFalse();
        assertThat(Fact.failed(15).describe()).isEqualTo("error NVML_ERROR_GPU_IS_LOST");
        assertThat(Fact.failed(15).error()).isTrue();
    }
}
