package io.vgpufleet.agent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The constants and enum values the binding passes, against their {@code nvml.h} values. */
class NvmlConstantsTest {

    @Test
    void eventTypesAreTheHeaderBits() {
        assertThat(NvmlConstants.EVENT_TYPE_SINGLE_BIT_ECC_ERROR).isEqualTo(0x1L);
        assertThat(NvmlConstants.EVENT_TYPE_DOUBLE_BIT_ECC_ERROR).isEqualTo(0x2L);
        assertThat(NvmlConstants.EVENT_TYPE_PSTATE).isEqualTo(0x4L);
        assertThat(NvmlConstants.EVENT_TYPE_XID_CRITICAL_ERROR).isEqualTo(0x8L);
        assertThat(NvmlConstants.EVENT_TYPE_CLOCK).isEqualTo(0x10L);
        assertThat(NvmlConstants.EVENT_TYPE_POWER_SOURCE_CHANGE).isEqualTo(0x80L);
        assertThat(NvmlConstants.EVENT_MIG_CONFIG_CHANGE).isEqualTo(0x100L);
        assertThat(NvmlConstants.CRITICAL_EVENTS).isEqualTo(0xbL);
    }

    @Test
    void eccAndRetirementSelectorsAreTheHeaderValues() {
        assertThat(NvmlConstants.MEMORY_ERROR_TYPE_CORRECTED).isZero();
        assertThat(NvmlConstants.MEMORY_ERROR_TYPE_UNCORRECTED).isEqualTo(1);
        assertThat(NvmlConstants.VOLATILE_ECC).isZero();
        assertThat(NvmlConstants.AGGREGATE_ECC).isEqualTo(1);
        assertThat(NvmlConstants.PAGE_RETIREMENT_CAUSE_MULTIPLE_SINGLE_BIT_ECC_ERRORS).isZero();
        assertThat(NvmlConstants.PAGE_RETIREMENT_CAUSE_DOUBLE_BIT_ECC_ERROR).isEqualTo(1);
        assertThat(NvmlConstants.FEATURE_DISABLED).isZero();
        assertThat(NvmlConstants.FEATURE_ENABLED).isEqualTo(1);
    }

    @Test
    void enumTablesHaveTheHeaderValues() {
        assertThat(NvmlConstants.VIRTUALIZATION_MODES).containsEntry(0, "NONE").containsEntry(1, "PASSTHROUGH")
                .containsEntry(2, "VGPU").containsEntry(3, "HOST_VGPU").containsEntry(4, "HOST_VSGA").hasSize(5);
        assertThat(NvmlConstants.HOST_VGPU_MODES).containsEntry(0, "NON_SRIOV").containsEntry(1, "SRIOV");
        assertThat(NvmlConstants.TOPOLOGY_LEVELS).containsEntry(0, "INTERNAL").containsEntry(10, "SINGLE")
                .containsEntry(20, "MULTIPLE").containsEntry(30, "HOSTBRIDGE").containsEntry(40, "NODE")
                .containsEntry(50, "SYSTEM");
        assertThat(NvmlConstants.P2P_CAPS_INDEX).containsEntry("READ", 0).containsEntry("WRITE", 1)
                .containsEntry("NVLINK", 2).containsEntry("ATOMICS", 3).containsEntry("PCI", 4);
        assertThat(NvmlConstants.P2P_STATUSES).containsEntry(0, "OK").containsEntry(1, "CHIPSET_NOT_SUPPORTED")
                .containsEntry(2, "GPU_NOT_SUPPORTED").containsEntry(3, "IOH_TOPOLOGY_NOT_SUPPORTED")
                .containsEntry(4, "DISABLED_BY_REGKEY").containsEntry(5, "NOT_SUPPORTED").containsEntry(6, "UNKNOWN");
        assertThat(NvmlConstants.VGPU_VM_COMPATIBILITY_BITS).containsEntry(0x1, "COLD").containsEntry(0x2, "HIBERNATE")
                .containsEntry(0x4, "SLEEP").containsEntry(0x8, "LIVE");
        assertThat(NvmlConstants.VGPU_COMPATIBILITY_LIMIT_BITS).containsEntry(0x1, "HOST_DRIVER")
                .containsEntry(0x2, "GUEST_DRIVER").containsEntry(0x4, "GPU").containsEntry(0x80000000, "OTHER");
        assertThat(NvmlConstants.nameIn(NvmlConstants.VIRTUALIZATION_MODES, 9)).isEqualTo("UNKNOWN_9");
    }

    @Test
    void bufferSizesAreTheHeaderValues() {
        assertThat(NvmlConstants.DEVICE_UUID_BUFFER_SIZE).isEqualTo(80);
        assertThat(NvmlConstants.DEVICE_NAME_BUFFER_SIZE).isEqualTo(64);
        assertThat(NvmlConstants.DEVICE_NAME_V2_BUFFER_SIZE).isEqualTo(96);
        assertThat(NvmlConstants.SYSTEM_DRIVER_VERSION_BUFFER_SIZE).isEqualTo(80);
        assertThat(NvmlConstants.NVLINK_MAX_LINKS).isEqualTo(18);
    }
}
