package io.vgpufleet.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.junit.jupiter.params.provider.Arguments.argumentSet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The field checks stand between the wire and the host's sysfs, so hostile values are the test data. */
class ChecksTest {

    private static final String TEN_KB = "a".repeat(10 * 1024);

    @ParameterizedTest
    @ValueSource(strings = {"nvidia-289", "nvidia-63", "289", "1061", "nvidia-999999"})
    void acceptsTypeIdsOfMdevAndVendorVfioHosts(String typeId) {
        assertThat(Checks.vgpuTypeId(typeId, "typeId")).isEqualTo(typeId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"../../x", "nvidia-289/../../../x", "nvidia-289/create", "nvidia-", "nvidia-289 ",
            " 289", "NVIDIA-289", "nvidia-1234567", "nvidia-28\u0000", "-1", "", "nvidia-289\n"})
    void rejectsTypeIdsThatCouldEscapeTheSysfsRoot(String typeId) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.vgpuTypeId(typeId, "typeId"))
                .withMessageStartingWith("typeId must be a vGPU type id");
    }

    @Test
    void acceptsCanonicalLowerCaseUuids() {
        assertThat(Checks.validUuid(Samples.P4_VGPU, "vgpuUuid")).isEqualTo(Samples.P4_VGPU);
        assertThat(Checks.validGpuUuid(Samples.H100_GPU, "gpuUuid")).isEqualTo(Samples.H100_GPU);
    }

    @ParameterizedTest
    @ValueSource(strings = {"6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4/", "6f1c2b3a-4d5e-4f60-8a7b/../../../x",
            "../6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b", "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b/remove"})
    void rejectsUuidsWithPathSeparators(String uuid) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validUuid(uuid, "vgpuUuid"))
                .withMessageStartingWith("vgpuUuid must be a canonical lower-case UUID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"6F1C2B3A-4D5E-4F60-8A7B-9C0D1E2F3A4B", "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3A4b",
            "{6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b}", "6f1c2b3a4d5e4f608a7b9c0d1e2f3a4b",
            "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b\n", "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4bb"})
    void rejectsUuidsThatAreNotCanonicalLowerCase(String uuid) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validUuid(uuid, "vgpuUuid"))
                .withMessageStartingWith("vgpuUuid must be");
    }

    @ParameterizedTest
    @ValueSource(strings = {"GPU-A1B2C3D4-E5F6-4A7B-8C9D-0E1F2A3B4C5D", "gpu-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
            "a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d", "GPU-../../a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
            "MIG-a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d"})
    void rejectsGpuUuidsNvmlWouldNotReport(String uuid) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validGpuUuid(uuid, "gpuUuid"))
                .withMessageStartingWith("gpuUuid must be an NVML GPU UUID");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000:3b:00.0", "0000:c1:00.4", "0001:ff:1f.7"})
    void acceptsPciAddressesAsSysfsNamesThem(String bdf) {
        assertThat(Checks.validPciBdf(bdf, "pciBdf")).isEqualTo(bdf);
    }

    @ParameterizedTest
    @ValueSource(strings = {"0000:3b:00..0", "../0000:3b:00.0", "0000:3b:00.0/..", "0000:3B:00.0", "3b:00.0",
            "0000:3b:20.0", "0000:3b:00.8", "0000:3b:00.0\u0000", "0000:3b:00.0 "})
    void rejectsPciAddressesThatAreNotASysfsDeviceName(String bdf) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validPciBdf(bdf, "parentPciBdf"))
                .withMessageStartingWith("parentPciBdf must be a PCI address");
    }

    @ParameterizedTest
    @ValueSource(strings = {"kvm-p4-01", "kvm-p4-01.lab", "h1", "0"})
    void acceptsHostIds(String hostId) {
        assertThat(Checks.validHostId(hostId, "hostId")).isEqualTo(hostId);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "a..b", "kvm/../../etc", "-kvm", "kvm-", ".kvm", "KVM-1", "kvm 1", "kvm\t1",
            "kvm-1\n", "kvm_1"})
    void rejectsHostIdsThatAreNotHostNames(String hostId) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validHostId(hostId, "hostId"))
                .withMessageStartingWith("hostId must be a host id");
    }

    @Test
    void rejectsHostIdsLongerThanADnsLabel() {
        assertThat(Checks.validHostId("h".repeat(63), "hostId")).hasSize(63);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validHostId("h".repeat(64), "hostId"))
                .withMessageStartingWith("hostId must be");
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../vm", ".hidden", "-rf", "vm 1", "vm/1", "vm\u0000", "vm;reboot", "vm$(id)", ""})
    void rejectsIdentifiersThatCouldBeMisreadAsPathsOrOptions(String vmId) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.identifier(vmId, "vmId"))
                .withMessageStartingWith("vmId must be");
    }

    @Test
    void rejectsIdentifiersLongerThan128Characters() {
        assertThat(Checks.identifier("v".repeat(128), "vmId")).hasSize(128);
        assertThatIllegalArgumentException().isThrownBy(() -> Checks.identifier("v".repeat(129), "vmId"));
    }

    static Stream<Arguments> patternChecks() {
        return Stream.of(
                argumentSet("validUuid", (BiFunction<String, String, String>) Checks::validUuid),
                argumentSet("validGpuUuid", (BiFunction<String, String, String>) Checks::validGpuUuid),
                argumentSet("validPciBdf", (BiFunction<String, String, String>) Checks::validPciBdf),
                argumentSet("vgpuTypeId", (BiFunction<String, String, String>) Checks::vgpuTypeId),
                argumentSet("validHostId", (BiFunction<String, String, String>) Checks::validHostId),
                argumentSet("identifier", (BiFunction<String, String, String>) Checks::identifier));
    }

    @ParameterizedTest
    @MethodSource("patternChecks")
    void rejectsTenKilobyteStringsWithABoundedMessageNamingTheField(BiFunction<String, String, String> check) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> check.apply(TEN_KB, "theField"))
                .withMessageStartingWith("theField must be")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(300).endsWith("...'"));
    }

    @ParameterizedTest
    @MethodSource("patternChecks")
    void rejectsControlCharactersWithoutEchoingThem(BiFunction<String, String, String> check) {
        String hostile = "x\u001b[2J\r\nFAKE LOG LINE\u0000\u0085\u2028\u202e";

        assertThatIllegalArgumentException()
                .isThrownBy(() -> check.apply(hostile, "theField"))
                .withMessageStartingWith("theField must be")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContainPattern("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]"));
    }

    @ParameterizedTest
    @MethodSource("patternChecks")
    void rejectsAbsentValuesNamingTheField(BiFunction<String, String, String> check) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> check.apply(null, "theField"))
                .withMessage("theField must be present");
    }

    @Test
    void printableReplacesEveryControlCharacter() {
        StringBuilder every = new StringBuilder();
        for (char c = 0; c < 0xa0; c++) {
            every.append(c);
        }
        every.append("\u2028\u2029\u200b\u202e\ufeff");

        String printed = Checks.printable(every.toString(), 1_000);

        assertThat(printed).doesNotContainPattern("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]").contains(" !\"#$%&").contains("xyz{|}~?");
    }

    @Test
    void printableKeepsOrdinaryTextAndCutsLongText() {
        assertThat(Checks.printable("NVIDIA H100-10C für VM «ü»")).isEqualTo("NVIDIA H100-10C für VM «ü»");
        assertThat(Checks.printable(TEN_KB)).isEqualTo("a".repeat(80) + "...");
        assertThat(Checks.printable("a".repeat(80))).isEqualTo("a".repeat(80));
        assertThat(Checks.printable(TEN_KB, 500)).hasSize(503);
    }

    @Test
    void nonBlankRejectsAbsentEmptyAndWhitespaceNamingTheField() {
        for (String blank : Arrays.asList(null, "", " ", "\t\n")) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> Checks.nonBlank(blank, "reason"))
                    .withMessage("reason must not be blank");
        }
        assertThat(Checks.nonBlank(" x ", "reason")).isEqualTo(" x ");
    }

    @Test
    void nonNegativeRejectsNegativeNumbersNamingTheFieldAndValue() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.nonNegative(-1L, "memoryMib"))
                .withMessage("memoryMib must not be negative, was -1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.nonNegative(Integer.MIN_VALUE, "numHeads"))
                .withMessage("numHeads must not be negative, was " + Integer.MIN_VALUE);
        assertThat(Checks.nonNegative(0, "numHeads")).isZero();
    }

    @Test
    void listRejectsNullElementsAndCopiesTheRest() {
        List<String> problems = new ArrayList<>(List.of("a"));
        List<String> copy = Checks.list(problems, "problems");
        problems.add("b");

        assertThat(copy).containsExactly("a");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.list(Arrays.asList("a", null), "problems"))
                .withMessage("problems must not contain null");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.list(null, "problems"))
                .withMessage("problems must be present");
    }

    @Test
    void paramsAreSnakeCaseKeysWithValuesThatCannotSmuggleAnotherParameter() {
        assertThat(Checks.validParams(Map.of("frame_rate_limiter", "0"), "params"))
                .containsEntry("frame_rate_limiter", "0");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validParams(Map.of("frame_rate_limiter", "0,disable_vnc=1"), "params"))
                .withMessageStartingWith("params.frame_rate_limiter must be");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validParams(Map.of("frame_rate_limiter", "0\ndisable_vnc=1"), "params"))
                .withMessageStartingWith("params.frame_rate_limiter must be")
                .withMessageNotContaining("\n");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validParams(Map.of("Frame-Rate", "0"), "params"))
                .withMessageStartingWith("params key must be snake_case");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validParams(Map.of("../x", "0"), "params"))
                .withMessageStartingWith("params key must be");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validParams(Map.of("frame_rate_limiter", TEN_KB), "params"))
                .withMessageStartingWith("params.frame_rate_limiter must be");
    }

    @Test
    void mapsRejectNullKeysAndValues() {
        Map<String, String> nullValue = new HashMap<>();
        nullValue.put("k", null);
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(null, "v");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.stringMap(nullValue, "evidence"))
                .withMessage("evidence must not contain null keys or values");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.stringMap(nullKey, "evidence"))
                .withMessage("evidence must not contain null keys or values");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validParams(nullKey, "params"))
                .withMessage("params key must be present");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.validParams(nullValue, "params"))
                .withMessage("params.k must be present");
    }

    @Test
    void atMostCountsEntries() {
        Checks.atMost(List.of(1, 2), 2, "gpus");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> Checks.atMost(List.of(1, 2, 3), 2, "gpus"))
                .withMessage("gpus must hold at most 2 entries, held 3");
    }
}
