package io.vgpufleet.agent.nvml.jna;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.jna.Native;
import com.sun.jna.Structure;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Sizes and field offsets of every bound struct against what {@code nvml.h} implies on x86_64 (LP64:
 * {@code unsigned int} 4, {@code unsigned long long} 8 aligned to 8, pointers 8, enums 4).
 */
class NvmlStructuresTest {

    /** JNA computes offsets reflectively; this exposes them for the assertions. */
    private static Map<String, Integer> offsets(Structure s) {
        Map<String, Integer> offsets = new LinkedHashMap<>();
        for (String field : s.getClass().getAnnotation(Structure.FieldOrder.class).value()) {
            offsets.put(field, offset(s, field));
        }
        return offsets;
    }

    @Test
    void platformIsLp64LikeTheDeviceMachine() {
        assertThat(Native.POINTER_SIZE).isEqualTo(8);
        assertThat(Native.LONG_SIZE).isEqualTo(8);
    }

    @Test
    void pciInfoMatchesNvmlPciInfoT() {
        NvmlStructures.PciInfo s = new NvmlStructures.PciInfo();
        assertThat(s.size()).isEqualTo(68);
        assertThat(offsets(s)).containsExactlyEntriesOf(ordered("busIdLegacy", 0, "domain", 16, "bus", 20,
                "device", 24, "pciDeviceId", 28, "pciSubSystemId", 32, "busId", 36));
    }

    @Test
    void memoryMatchesNvmlMemoryT() {
        NvmlStructures.Memory s = new NvmlStructures.Memory();
        assertThat(s.size()).isEqualTo(24);
        assertThat(offsets(s)).containsExactlyEntriesOf(ordered("total", 0, "free", 8, "used", 16));
    }

    @Test
    void memoryV2MatchesNvmlMemoryV2TAndItsVersionMacro() {
        NvmlStructures.MemoryV2 s = new NvmlStructures.MemoryV2();
        assertThat(s.size()).isEqualTo(40);
        assertThat(offsets(s)).containsExactlyEntriesOf(
                ordered("version", 0, "total", 8, "reserved", 16, "free", 24, "used", 32));
        // NVML_STRUCT_VERSION(Memory, 2) = sizeof(nvmlMemory_v2_t) | (2 << 24)
        assertThat(s.version).isEqualTo(s.size() | 2 << 24).isEqualTo(0x02000028);
    }

    @Test
    void rowRemapperHistogramMatchesNvmlRowRemapperHistogramValuesT() {
        NvmlStructures.RowRemapperHistogramValues s = new NvmlStructures.RowRemapperHistogramValues();
        assertThat(s.size()).isEqualTo(20);
        assertThat(offsets(s)).containsExactlyEntriesOf(
                ordered("max", 0, "high", 4, "partial", 8, "low", 12, "none", 16));
    }

    @Test
    void eventDataMatchesNvmlEventDataT() {
        NvmlStructures.EventData s = new NvmlStructures.EventData();
        assertThat(s.size()).isEqualTo(32);
        assertThat(offsets(s)).containsExactlyEntriesOf(ordered("device", 0, "eventType", 8, "eventData", 16,
                "gpuInstanceId", 24, "computeInstanceId", 28));
    }

    @Test
    void vgpuMetadataMatchesNvmlVgpuMetadataT() {
        NvmlStructures.VgpuMetadata s = new NvmlStructures.VgpuMetadata();
        assertThat(s.size()).isEqualTo(212);
        assertThat(offsets(s)).containsExactlyEntriesOf(ordered("version", 0, "revision", 4, "guestInfoState", 8,
                "guestDriverVersion", 12, "hostDriverVersion", 92, "reserved", 172, "vgpuVirtualizationCaps", 196,
                "guestVgpuVersion", 200, "opaqueDataSize", 204, "opaqueData", 208));
    }

    @Test
    void pgpuMetadataMatchesNvmlVgpuPgpuMetadataT() {
        NvmlStructures.VgpuPgpuMetadata s = new NvmlStructures.VgpuPgpuMetadata();
        assertThat(s.size()).isEqualTo(128);
        assertThat(offsets(s)).containsExactlyEntriesOf(ordered("version", 0, "revision", 4, "hostDriverVersion", 8,
                "pgpuVirtualizationCaps", 88, "reserved", 92, "hostSupportedVgpuRange", 112, "opaqueDataSize", 120,
                "opaqueData", 124));
        assertThat(new NvmlStructures.VgpuVersion().size()).isEqualTo(8);
    }

    @Test
    void compatibilityMatchesNvmlVgpuPgpuCompatibilityT() {
        NvmlStructures.VgpuPgpuCompatibility s = new NvmlStructures.VgpuPgpuCompatibility();
        assertThat(s.size()).isEqualTo(8);
        assertThat(offsets(s)).containsExactlyEntriesOf(ordered("vgpuVmCompatibility", 0, "compatibilityLimitCode", 4));
    }

    @Test
    void metadataReadFromADriverBufferKeepsItsFields() {
        com.sun.jna.Memory buffer = new com.sun.jna.Memory(212 + 16);
        buffer.clear();
        buffer.setInt(0, 1);
        buffer.setInt(8, 1);
        buffer.setString(12, "550.54.14", "US-ASCII");
        buffer.setString(92, "550.54.15", "US-ASCII");
        buffer.setInt(196, 1);
        buffer.setInt(204, 20);
        NvmlInventory.VgpuMetadata m = JnaNvml.vgpuMetadataOf(buffer.getByteArray(0, 228));
        assertThat(m.version()).isEqualTo(1);
        assertThat(m.guestInfoState()).isEqualTo("INITIALIZED");
        assertThat(m.guestDriverVersion()).isEqualTo("550.54.14");
        assertThat(m.hostDriverVersion()).isEqualTo("550.54.15");
        assertThat(m.migrationCapable()).isTrue();
        assertThat(m.opaqueDataSize()).isEqualTo(20);
        assertThat(m.blob()).hasSize(228);
    }

    private static Map<String, Integer> ordered(Object... pairs) {
        Map<String, Integer> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], (Integer) pairs[i + 1]);
        }
        assertThat(map.keySet()).hasSize(pairs.length / 2);
        return map;
    }

    /** {@link Structure#fieldOffset(String)} is protected: read it reflectively (the test runs on the class path). */
    private static int offset(Structure s, String field) {
        try {
            Method method = Structure.class.getDeclaredMethod("fieldOffset", String.class);
            method.setAccessible(true);
            return (Integer) method.invoke(s, field);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
