package io.vgpufleet.agent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Every {@code nvmlReturn_t} of {@code nvml.h}, by value and name. */
class NvmlReturnTest {

    /** Copied from {@code typedef enum nvmlReturn_enum} (API 12; 30 from the 13.x header). */
    private static final Map<String, Integer> HEADER = new LinkedHashMap<>();

    static {
        String[] names = {"NVML_SUCCESS", "NVML_ERROR_UNINITIALIZED", "NVML_ERROR_INVALID_ARGUMENT",
            "NVML_ERROR_NOT_SUPPORTED", "NVML_ERROR_NO_PERMISSION", "NVML_ERROR_ALREADY_INITIALIZED",
            "NVML_ERROR_NOT_FOUND", "NVML_ERROR_INSUFFICIENT_SIZE", "NVML_ERROR_INSUFFICIENT_POWER",
            "NVML_ERROR_DRIVER_NOT_LOADED", "NVML_ERROR_TIMEOUT", "NVML_ERROR_IRQ_ISSUE",
            "NVML_ERROR_LIBRARY_NOT_FOUND", "NVML_ERROR_FUNCTION_NOT_FOUND", "NVML_ERROR_CORRUPTED_INFOROM",
            "NVML_ERROR_GPU_IS_LOST", "NVML_ERROR_RESET_REQUIRED", "NVML_ERROR_OPERATING_SYSTEM",
            "NVML_ERROR_LIB_RM_VERSION_MISMATCH", "NVML_ERROR_IN_USE", "NVML_ERROR_MEMORY", "NVML_ERROR_NO_DATA",
            "NVML_ERROR_VGPU_ECC_NOT_SUPPORTED", "NVML_ERROR_INSUFFICIENT_RESOURCES",
            "NVML_ERROR_FREQ_NOT_SUPPORTED", "NVML_ERROR_ARGUMENT_VERSION_MISMATCH", "NVML_ERROR_DEPRECATED",
            "NVML_ERROR_NOT_READY", "NVML_ERROR_GPU_NOT_FOUND", "NVML_ERROR_INVALID_STATE",
            "NVML_ERROR_RESET_TYPE_NOT_SUPPORTED"};
        for (int i = 0; i < names.length; i++) {
            HEADER.put(names[i], i);
        }
        HEADER.put("NVML_ERROR_UNKNOWN", 999);
    }

    @Test
    void everyHeaderValueHasItsNameAndNothingElseExists() {
        Map<String, Integer> bound = Arrays.stream(NvmlReturn.values())
                .collect(Collectors.toMap(NvmlReturn::cName, NvmlReturn::code, (a, b) -> a, LinkedHashMap::new));
        assertThat(bound).containsExactlyEntriesOf(HEADER);
    }

    @Test
    void codesTranslateBackByValue() {
        HEADER.forEach((name, code) -> {
            assertThat(NvmlReturn.of(code)).get().extracting(NvmlReturn::cName).isEqualTo(name);
            assertThat(NvmlReturn.nameOf(code)).isEqualTo(name);
        });
    }

    @Test
    void theCodesThePortReliesOnHaveTheirHeaderValues() {
        assertThat(NvmlReturn.SUCCESS.code()).isZero();
        assertThat(NvmlReturn.NOT_SUPPORTED.code()).isEqualTo(3);
        assertThat(NvmlReturn.TIMEOUT.code()).isEqualTo(10);
        assertThat(NvmlReturn.LIBRARY_NOT_FOUND.cName()).isEqualTo("NVML_ERROR_LIBRARY_NOT_FOUND");
        assertThat(NvmlReturn.GPU_IS_LOST.code()).isEqualTo(15);
        assertThat(NvmlReturn.UNKNOWN.code()).isEqualTo(999);
    }

    @Test
    void aCodeANewerDriverAddsKeepsItsNumber() {
        assertThat(NvmlReturn.of(31)).isEmpty();
        assertThat(NvmlReturn.nameOf(31)).isEqualTo("NVML_ERROR_CODE_31");
    }
}
