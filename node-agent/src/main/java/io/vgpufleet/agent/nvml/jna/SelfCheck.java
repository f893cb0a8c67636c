package io.vgpufleet.agent.nvml.jna;

import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.ptr.LongByReference;
import com.sun.jna.ptr.PointerByReference;
import io.vgpufleet.agent.nvml.NvmlDevice;
import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import org.jspecify.annotations.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Runs the JNA binding on the real driver and compares it with {@code nvidia-smi -q -x}: UUID, PCI bus id,
 * total memory, ECC mode current/pending, every ECC counter, retired pages, remapped rows and the remapper
 * histogram, virtualization mode; prints both side by side, times each NVML call kind (median and p99)
 * and a full health poll, reports what the vGPU calls answer, and runs the events thread for a while.
 * Exits 0 when every compared field is equal and nothing faulted, 1 on a mismatch, 2 on a fault, 3 where
 * NVML does not open.
 *
 * <pre>
 * java -cp 'lib/*' io.vgpufleet.agent.nvml.jna.SelfCheck [--events-seconds 60] [--iterations 1000]
 *      [--smi-xml file]   (default: runs nvidia-smi -q -x)
 * </pre>
 */
public final class SelfCheck {

    private final PrintStream out;
    private int mismatches;
    private int faults;

    private SelfCheck(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        int eventsSeconds = 60;
        int iterations = 1000;
        Path smiXml = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--events-seconds" -> eventsSeconds = Integer.parseInt(args[++i]);
                case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                case "--smi-xml" -> smiXml = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        System.exit(new SelfCheck(System.out).run(eventsSeconds, iterations, smiXml));
    }

    private int run(int eventsSeconds, int iterations, @Nullable Path smiXml) throws Exception {
        out.println("== machine");
        out.printf("cpu cores (JVM): %d; cpu: %s; os: %s %s %s; java: %s %s%n",
                Runtime.getRuntime().availableProcessors(), cpuModel(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"), System.getProperty("java.vm.name"),
                System.getProperty("java.version"));
        long openStart = System.nanoTime();
        JnaNvml nvml;
        try {
            nvml = JnaNvml.open();
        } catch (NvmlUnavailableException e) {
            out.println("NVML unavailable: " + e.getMessage());
            return 3;
        }
        try (nvml) {
            out.printf("nvmlInit_v2 + enumeration: %.1f ms%n", (System.nanoTime() - openStart) / 1e6);
            NvmlInventory inventory = nvml.inventory();
            out.println("driver: " + inventory.driverVersion().describe() + "; GPUs: " + nvml.devices().size());
            for (NvmlInventory.Gpu gpu : inventory.gpus()) {
                out.printf("  %s %s %s%n", gpu.pciBdf(), gpu.name().describe(), gpu.uuid().describe());
            }
            Map<String, Element> smi = smiGpus(smiXml);
            compare(nvml, inventory, smi);
            vgpu(inventory);
            topology(inventory);
            timings(nvml, iterations);
            events(nvml, eventsSeconds);
        }
        out.println();
        out.printf("== result: %d mismatch(es), %d fault(s): %s%n", mismatches, faults,
                mismatches == 0 && faults == 0 ? "PASS" : "FAIL");
        return mismatches > 0 ? 1 : faults > 0 ? 2 : 0;
    }

    // ------------------------------------------------------------------ comparison

    private void compare(JnaNvml nvml, NvmlInventory inventory, Map<String, Element> smi) {
        out.println();
        out.println("== NVML vs nvidia-smi -q -x");
        if (smi.isEmpty()) {
            out.println("FAULT: nvidia-smi gave no GPU");
            faults++;
        }
        for (NvmlInventory.Gpu gpu : inventory.gpus()) {
            Element x = smi.get(gpu.pciBdf());
            out.println();
            out.printf("-- %s%n", gpu.pciBdf());
            out.printf("   %-34s %-44s %-44s%n", "field", "NVML (JNA)", "nvidia-smi");
            if (x == null) {
                out.println("   MISMATCH: nvidia-smi lists no GPU at this bus id; it lists " + smi.keySet());
                mismatches++;
                continue;
            }
            NvmlDevice device = nvml.deviceAt(gpu.pciBdf());
            NvmlHealthSample health = nvml.healthOf(gpu.pciBdf());
            row("uuid", gpu.uuid().describe(), smiText(x, "uuid"));
            row("uuid (port deviceAt)", String.valueOf(device.uuid()), smiText(x, "uuid"));
            row("pci bus id", gpu.pciBdf(), smiBdf(x));
            String memory = gpu.memory().present() ? (gpu.memory().value().total() / (1024 * 1024)) + " MiB"
                    : gpu.memory().describe();
            row("memory total", memory, smiText(x, "fb_memory_usage/total"));
            row("memory total (port deviceAt)", device.memoryMib() + " MiB", smiText(x, "fb_memory_usage/total"));
            NvmlInventory.EccModes ecc = gpu.eccMode().value();
            row("ecc mode current", ecc == null ? gpu.eccMode().describe() : enabled(ecc.current()),
                    smiText(x, "ecc_mode/current_ecc"));
            row("ecc mode pending", ecc == null ? gpu.eccMode().describe() : enabled(ecc.pending()),
                    smiText(x, "ecc_mode/pending_ecc"));
            row("ecc mode (port deviceAt)", device.eccMode().name(), smiText(x, "ecc_mode/current_ecc"));
            compareEcc(health, x);
            compareRetired(health, gpu, x);
            compareRemap(health, gpu, x);
            row("virtualization mode", describe(gpu.virtualizationMode()),
                    smiText(x, "gpu_virtualization_mode/virtualization_mode"));
            row("virtualization mode (port)", String.valueOf(device.facts().virtualizationMode()),
                    smiText(x, "gpu_virtualization_mode/virtualization_mode"));
            info("host vgpu mode", describe(gpu.hostVgpuMode()), smiText(x, "gpu_virtualization_mode/host_vgpu_mode"));
            info("name", gpu.name().describe(), smiText(x, "product_name"));
            info("numa node", gpu.numaNode().describe(), "");
            info("cpu affinity", gpu.cpuAffinity().present() ? ranges(gpu.cpuAffinity().value())
                    : gpu.cpuAffinity().describe(), "");
            info("supported event types", gpu.supportedEventTypes().present()
                    ? "0x" + Long.toHexString(gpu.supportedEventTypes().value()) : gpu.supportedEventTypes().describe(),
                    "");
            info("port device facts status", device.facts().status(), "");
            info("port health unavailable", String.valueOf(health.unavailableReason()), "");
            info("nvlinks answering", String.valueOf(gpu.nvLinks()), "");
        }
    }

    private void compareEcc(NvmlHealthSample health, Element x) {
        var ecc = health.ecc();
        String[] names = {"ecc corrected volatile", "ecc uncorrected volatile", "ecc corrected aggregate",
            "ecc uncorrected aggregate"};
        long[] nvmlValues = ecc == null ? null : new long[] {ecc.correctedVolatile(), ecc.uncorrectedVolatile(),
            ecc.correctedAggregate(), ecc.uncorrectedAggregate()};
        String[] smiValues = {
            eccSum(x, "volatile", true), eccSum(x, "volatile", false), eccSum(x, "aggregate", true),
            eccSum(x, "aggregate", false)};
        for (int i = 0; i < names.length; i++) {
            row(names[i], nvmlValues == null ? "not supported" : Long.toString(nvmlValues[i]), smiValues[i]);
        }
        info("smi ecc volatile detail", eccDetail(x, "volatile"), "");
        info("smi ecc aggregate detail", eccDetail(x, "aggregate"), "");
    }

    private void compareRetired(NvmlHealthSample health, NvmlInventory.Gpu gpu, Element x) {
        var retired = health.retiredPages();
        row("retired pages single-bit", retired == null ? "not supported" : Integer.toString(retired.singleBitEcc()),
                smiText(x, "retired_pages/multiple_single_bit_retirement/retired_count"));
        row("retired pages double-bit", retired == null ? "not supported" : Integer.toString(retired.doubleBitEcc()),
                smiText(x, "retired_pages/double_bit_retirement/retired_count"));
        String pendingSmi = smiText(x, "retired_pages/pending_retirement");
        if (pendingSmi.equals("(absent)")) {
            pendingSmi = smiText(x, "retired_pages/pending_blacklist");
        }
        row("retired pages pending", retired == null ? "not supported" : yesNo(retired.pending()), pendingSmi);
        info("retired page list (v2)", gpu.retiredPages().describe(), "");
    }

    private void compareRemap(NvmlHealthSample health, NvmlInventory.Gpu gpu, Element x) {
        var rows = health.remappedRows();
        row("remapped rows correctable", rows == null ? "not supported" : Integer.toString(rows.correctable()),
                smiText(x, "remapped_rows/remapped_row_corr"));
        row("remapped rows uncorrectable", rows == null ? "not supported" : Integer.toString(rows.uncorrectable()),
                smiText(x, "remapped_rows/remapped_row_unc"));
        row("remapped rows pending", rows == null ? "not supported" : yesNo(rows.pending()),
                smiText(x, "remapped_rows/remapped_row_pending"));
        row("remapped rows failure", rows == null ? "not supported" : yesNo(rows.failure()),
                smiText(x, "remapped_rows/remapped_row_failure"));
        NvmlInventory.RemapperHistogram h = gpu.remapperHistogram().value();
        String base = "remapped_rows/row_remapper_histogram/row_remapper_histogram_";
        for (String bucket : List.of("max", "high", "partial", "low", "none")) {
            String nvmlValue = h == null ? gpu.remapperHistogram().describe() : Integer.toString(switch (bucket) {
                case "max" -> h.max();
                case "high" -> h.high();
                case "partial" -> h.partial();
                case "low" -> h.low();
                default -> h.none();
            });
            row("remapper histogram " + bucket, nvmlValue, smiText(x, base + bucket));
        }
    }

    /** A compared row: equal when the numbers, yes/no words or normalised names agree, or both say N/A. */
    private void row(String field, String nvml, String smi) {
        boolean equal = same(nvml, smi);
        if (!equal) {
            mismatches++;
        }
        out.printf("   %-34s %-44s %-44s %s%n", field, nvml, smi, equal ? "ok" : "MISMATCH");
    }

    private void info(String field, String nvml, String smi) {
        out.printf("   %-34s %-44s %-44s %s%n", field, nvml, smi, "(info)");
    }

    static boolean same(String nvml, String smi) {
        String a = normal(nvml);
        String b = normal(smi);
        return a.equals(b);
    }

    private static String normal(String value) {
        String v = value.strip().toLowerCase(Locale.ROOT);
        if (v.equals("n/a") || v.equals("not supported") || v.equals("(absent)") || v.equals("null")
                || v.equals("[n/a]")) {
            return "n/a";
        }
        if (v.equals("enabled") || v.equals("on") || v.equals("yes")) {
            return "yes";
        }
        if (v.equals("disabled") || v.equals("off") || v.equals("no")) {
            return "no";
        }
        if (v.matches("\\d+( mib| bank\\(s\\)| banks?)?")) {
            return v.replaceAll("[^0-9]", "");
        }
        return v.replaceAll("[^a-z0-9]", "");
    }

    private static String enabled(boolean on) {
        return on ? "Enabled" : "Disabled";
    }

    private static String yesNo(boolean yes) {
        return yes ? "Yes" : "No";
    }

    private static String describe(Fact<String> fact) {
        return fact.describe();
    }

    // ------------------------------------------------------------------ nvidia-smi XML

    private Map<String, Element> smiGpus(@Nullable Path smiXml) throws Exception {
        byte[] xml;
        if (smiXml != null) {
            xml = Files.readAllBytes(smiXml);
        } else {
            try {
                Process process = new ProcessBuilder("nvidia-smi", "-q", "-x").redirectErrorStream(false).start();
                try (InputStream in = process.getInputStream()) {
                    xml = in.readAllBytes();
                }
                if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                    out.println("FAULT: nvidia-smi -q -x failed");
                    faults++;
                    return Map.of();
                }
            } catch (IOException e) {
                out.println("FAULT: cannot run nvidia-smi: " + e.getMessage());
                faults++;
                return Map.of();
            }
        }
        return parseSmi(xml);
    }

    /** The {@code <gpu>} elements of {@code nvidia-smi -q -x}, by PCI address in sysfs form. */
    static Map<String, Element> parseSmi(byte[] xml) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setValidating(false);
        factory.setNamespaceAware(false);
        // nvidia-smi names a DTD file beside itself: never fetch or read it.
        factory.setFeature("http://apache.org/xml/features/nonvalidating/load-external-dtd", false);
        factory.setFeature("http://xml.org/sax/features/external-general-entities", false);
        factory.setFeature("http://xml.org/sax/features/external-parameter-entities", false);
        factory.setExpandEntityReferences(false);
        DocumentBuilder builder = factory.newDocumentBuilder();
        Document document = builder.parse(new ByteArrayInputStream(xml));
        Map<String, Element> gpus = new LinkedHashMap<>();
        NodeList list = document.getDocumentElement().getElementsByTagName("gpu");
        for (int i = 0; i < list.getLength(); i++) {
            Element gpu = (Element) list.item(i);
            String id = gpu.getAttribute("id");
            NvmlTranslation.sysfsBdf(id.isEmpty() ? smiText(gpu, "pci/pci_bus_id") : id)
                    .ifPresent(bdf -> gpus.put(bdf, gpu));
        }
        return gpus;
    }

    /** The text at a child path, {@code (absent)} where there is no such element. */
    static String smiText(Element root, String path) {
        Element current = root;
        for (String name : path.split("/")) {
            Element next = null;
            for (Node child = current.getFirstChild(); child != null; child = child.getNextSibling()) {
                if (child instanceof Element e && e.getTagName().equals(name)) {
                    next = e;
                    break;
                }
            }
            if (next == null) {
                return "(absent)";
            }
            current = next;
        }
        return current.getTextContent().strip();
    }

    private static String smiBdf(Element gpu) {
        String id = gpu.getAttribute("id");
        return NvmlTranslation.sysfsBdf(id).orElse(id);
    }

    private static List<Element> children(Element parent) {
        List<Element> elements = new ArrayList<>();
        for (Node child = parent.getFirstChild(); child != null; child = child.getNextSibling()) {
            if (child instanceof Element e) {
                elements.add(e);
            }
        }
        return elements;
    }

    private static Optional<Element> child(Element parent, String name) {
        return children(parent).stream().filter(e -> e.getTagName().equals(name)).findFirst();
    }

    /**
     * The total corrected or uncorrected count of {@code ecc_errors/<kind>}: older drivers write
     * {@code single_bit/total} and {@code double_bit/total}; newer ones {@code sram_correctable},
     * {@code sram_uncorrectable[_parity|_secded]}, {@code dram_correctable}, {@code dram_uncorrectable}, which
     * NVML's total counts sum over.
     */
    static String eccSum(Element gpu, String kind, boolean corrected) {
        Optional<Element> section = child(gpu, "ecc_errors").flatMap(e -> child(e, kind));
        if (section.isEmpty()) {
            return "(absent)";
        }
        Optional<Element> legacy = child(section.get(), corrected ? "single_bit" : "double_bit");
        if (legacy.isPresent()) {
            return smiText(legacy.get(), "total");
        }
        long sum = 0;
        boolean any = false;
        for (Element e : children(section.get())) {
            String name = e.getTagName();
            boolean isUncorrectable = name.contains("uncorrectable");
            boolean isCorrectable = !isUncorrectable && name.contains("correctable");
            if (corrected ? isCorrectable : isUncorrectable) {
                String text = e.getTextContent().strip();
                if (text.matches("\\d+")) {
                    sum += Long.parseLong(text);
                    any = true;
                }
            }
        }
        return any ? Long.toString(sum) : "N/A";
    }

    private static String eccDetail(Element gpu, String kind) {
        Optional<Element> section = child(gpu, "ecc_errors").flatMap(e -> child(e, kind));
        if (section.isEmpty()) {
            return "(absent)";
        }
        StringBuilder detail = new StringBuilder();
        for (Element e : children(section.get())) {
            if (!children(e).isEmpty()) {
                continue;
            }
            detail.append(detail.length() == 0 ? "" : " ").append(e.getTagName()).append('=')
                    .append(e.getTextContent().strip());
        }
        return detail.toString();
    }

    // ------------------------------------------------------------------ vGPU and topology

    private void vgpu(NvmlInventory inventory) {
        out.println();
        out.println("== vGPU calls (NOT_SUPPORTED is a capability: 'not supported')");
        for (NvmlInventory.Gpu gpu : inventory.gpus()) {
            out.printf("-- %s%n", gpu.pciBdf());
            vgpuLine("nvmlDeviceGetVirtualizationMode", gpu.virtualizationMode());
            vgpuLine("nvmlDeviceGetHostVgpuMode", gpu.hostVgpuMode());
            vgpuLine("nvmlDeviceGetSupportedVgpus (+ nvmlVgpuTypeGet*)", gpu.supportedVgpuTypes());
            vgpuLine("nvmlDeviceGetCreatableVgpus", gpu.creatableVgpuTypeIds());
            vgpuLine("nvmlDeviceGetActiveVgpus (+ nvmlVgpuInstanceGet*)", gpu.activeVgpus());
            Fact<NvmlInventory.PgpuMetadata> metadata = gpu.vgpuMetadata();
            NvmlInventory.PgpuMetadata m = metadata.value();
            vgpuLine("nvmlDeviceGetVgpuMetadata", m == null ? metadata
                    : Fact.of("version " + m.version() + ", host driver " + m.hostDriverVersion() + ", migration "
                            + m.migrationCapable() + ", vGPU versions " + m.minVgpuVersion() + ".."
                            + m.maxVgpuVersion() + ", " + m.blob().length + " bytes"));
        }
    }

    private void vgpuLine(String call, Fact<?> fact) {
        boolean fault = fact.error();
        if (fault) {
            faults++;
        }
        out.printf("   %-52s %s%s%n", call, fact.describe(), fault ? "   FAULT" : "");
    }

    private void topology(NvmlInventory inventory) {
        out.println();
        out.println("== topology and P2P (every pair)");
        if (inventory.pairs().isEmpty()) {
            out.println("   one GPU: no pair");
        }
        for (NvmlInventory.GpuPair pair : inventory.pairs()) {
            StringBuilder p2p = new StringBuilder();
            pair.p2pStatus().forEach((cap, status) -> p2p.append(cap).append('=').append(status.describe()).append(' '));
            out.printf("   %s <-> %s: common ancestor %s; P2P %s%n", pair.a(), pair.b(),
                    pair.commonAncestor().describe(), p2p.toString().strip());
        }
    }

    // ------------------------------------------------------------------ timings

    private void timings(JnaNvml nvml, int iterations) {
        out.println();
        out.printf("== timings (%d calls each after %d warm-up; microseconds)%n", iterations, iterations / 10);
        List<String> devices = nvml.devices();
        if (devices.isEmpty()) {
            out.println("   no GPU");
            return;
        }
        NvmlLibrary lib = nvml.library();
        String bdf = devices.get(0);
        Pointer h = nvml.handleOf(bdf);
        if (h == null) {
            out.println("FAULT: no handle for " + bdf);
            faults++;
            return;
        }
        out.printf("   %-58s %10s %10s %10s  %s%n", "call", "median", "p99", "mean", "return");
        Map<String, IntSupplier> calls = new LinkedHashMap<>();
        byte[] buffer = new byte[96];
        IntByReference i1 = new IntByReference();
        IntByReference i2 = new IntByReference();
        IntByReference i3 = new IntByReference();
        IntByReference i4 = new IntByReference();
        LongByReference l1 = new LongByReference();
        PointerByReference p1 = new PointerByReference();
        NvmlStructures.PciInfo pci = new NvmlStructures.PciInfo();
        NvmlStructures.Memory memory = new NvmlStructures.Memory();
        NvmlStructures.MemoryV2 memoryV2 = new NvmlStructures.MemoryV2();
        NvmlStructures.RowRemapperHistogramValues histogram = new NvmlStructures.RowRemapperHistogramValues();
        NativeLong[] cpuSet = new NativeLong[16];
        Arrays.fill(cpuSet, new NativeLong(0));
        calls.put("nvmlSystemGetDriverVersion", () -> lib.nvmlSystemGetDriverVersion(buffer, 80));
        calls.put("nvmlDeviceGetCount_v2", () -> lib.nvmlDeviceGetCount_v2(i1));
        calls.put("nvmlDeviceGetHandleByIndex_v2", () -> lib.nvmlDeviceGetHandleByIndex_v2(0, p1));
        calls.put("nvmlDeviceGetHandleByPciBusId_v2", () -> lib.nvmlDeviceGetHandleByPciBusId_v2(bdf, p1));
        calls.put("nvmlDeviceGetUUID", () -> lib.nvmlDeviceGetUUID(h, buffer, 80));
        calls.put("nvmlDeviceGetName", () -> lib.nvmlDeviceGetName(h, buffer, 96));
        calls.put("nvmlDeviceGetPciInfo_v3", () -> lib.nvmlDeviceGetPciInfo_v3(h, pci));
        calls.put("nvmlDeviceGetMemoryInfo", () -> lib.nvmlDeviceGetMemoryInfo(h, memory));
        calls.put("nvmlDeviceGetMemoryInfo_v2", () -> lib.nvmlDeviceGetMemoryInfo_v2(h, memoryV2));
        calls.put("nvmlDeviceGetNumaNodeId", () -> lib.nvmlDeviceGetNumaNodeId(h, i1));
        calls.put("nvmlDeviceGetCpuAffinity", () -> lib.nvmlDeviceGetCpuAffinity(h, cpuSet.length, cpuSet));
        calls.put("nvmlDeviceGetEccMode", () -> lib.nvmlDeviceGetEccMode(h, i1, i2));
        calls.put("nvmlDeviceGetTotalEccErrors(CORRECTED, VOLATILE)",
                () -> lib.nvmlDeviceGetTotalEccErrors(h, 0, 0, l1));
        calls.put("nvmlDeviceGetTotalEccErrors(UNCORRECTED, AGGREGATE)",
                () -> lib.nvmlDeviceGetTotalEccErrors(h, 1, 1, l1));
        calls.put("nvmlDeviceGetRetiredPages (count)", () -> lib.nvmlDeviceGetRetiredPages(h, 0, zero(i1), null));
        calls.put("nvmlDeviceGetRetiredPagesPendingStatus", () -> lib.nvmlDeviceGetRetiredPagesPendingStatus(h, i1));
        calls.put("nvmlDeviceGetRemappedRows", () -> lib.nvmlDeviceGetRemappedRows(h, i1, i2, i3, i4));
        calls.put("nvmlDeviceGetRowRemapperHistogram", () -> lib.nvmlDeviceGetRowRemapperHistogram(h, histogram));
        calls.put("nvmlDeviceGetNvLinkState(link 0)", () -> lib.nvmlDeviceGetNvLinkState(h, 0, i1));
        calls.put("nvmlDeviceGetSupportedEventTypes", () -> lib.nvmlDeviceGetSupportedEventTypes(h, l1));
        calls.put("nvmlDeviceGetVirtualizationMode", () -> lib.nvmlDeviceGetVirtualizationMode(h, i1));
        calls.put("nvmlDeviceGetHostVgpuMode", () -> lib.nvmlDeviceGetHostVgpuMode(h, i1));
        calls.put("nvmlDeviceGetSupportedVgpus (count)", () -> lib.nvmlDeviceGetSupportedVgpus(h, zero(i1), null));
        calls.put("nvmlDeviceGetActiveVgpus (count)", () -> lib.nvmlDeviceGetActiveVgpus(h, zero(i1), null));
        if (devices.size() > 1) {
            Pointer other = nvml.handleOf(devices.get(1));
            calls.put("nvmlDeviceGetTopologyCommonAncestor",
                    () -> lib.nvmlDeviceGetTopologyCommonAncestor(h, other, i1));
            calls.put("nvmlDeviceGetP2PStatus(READ)", () -> lib.nvmlDeviceGetP2PStatus(h, other, 0, i1));
        }
        calls.put("nvmlErrorString", () -> lib.nvmlErrorString(3) == null ? 999 : 0);
        for (Map.Entry<String, IntSupplier> call : calls.entrySet()) {
            AtomicInteger code = new AtomicInteger();
            long[] nanos = time(iterations, () -> code.set(JnaNvml.call(call.getValue())));
            line(call.getKey(), nanos, NvmlReturn.nameOf(code.get()));
        }

        out.println();
        out.println("   health poll (ECC counters x4, retired pages x2, pending, remapped rows = 8 NVML calls a GPU)");
        long[] rawOne = time(iterations, () -> nvml.rawHealth(bdf, h));
        line("one GPU, raw calls", rawOne, "");
        line("one GPU, per NVML call", divide(rawOne, 8), "");
        long[] portOne = time(iterations, () -> nvml.healthOf(bdf));
        line("one GPU, port healthOf", portOne, "");
        long[] all = time(iterations, () -> devices.forEach(nvml::healthOf));
        line(devices.size() + " GPU(s), port healthOf each", all, "");
        long[] perCall = divide(all, 8L * devices.size());
        line("  average per NVML call", perCall, "");
        out.printf("   target <= 50 us per NVML call on average: %s (mean %.2f us)%n",
                mean(perCall) <= 50_000 ? "met" : "NOT MET", mean(perCall) / 1e3);
        long[] device = time(Math.max(10, iterations / 10), () -> nvml.deviceAt(bdf));
        line("port deviceAt", device, "");
        long[] inventory = time(Math.max(3, iterations / 100), nvml::inventory);
        line("inventory (all GPUs, all pairs)", inventory, "");
    }

    private static IntByReference zero(IntByReference ref) {
        ref.setValue(0);
        return ref;
    }

    private static long[] time(int iterations, Runnable body) {
        for (int i = 0; i < iterations / 10; i++) {
            body.run();
        }
        long[] nanos = new long[iterations];
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            body.run();
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        return nanos;
    }

    private static long[] divide(long[] nanos, long by) {
        return Arrays.stream(nanos).map(n -> n / by).toArray();
    }

    private static double mean(long[] nanos) {
        return Arrays.stream(nanos).average().orElse(0);
    }

    private void line(String name, long[] sorted, String code) {
        long median = sorted[sorted.length / 2];
        long p99 = sorted[Math.max(0, (int) Math.ceil(sorted.length * 0.99) - 1)];
        out.printf("   %-58s %10.2f %10.2f %10.2f  %s%n", name, median / 1e3, p99 / 1e3, mean(sorted) / 1e3, code);
    }

    // ------------------------------------------------------------------ events

    private void events(JnaNvml nvml, int seconds) throws InterruptedException {
        out.println();
        out.printf("== events thread (%d s, waits of 1 s)%n", seconds);
        AtomicLong waits = new AtomicLong();
        AtomicLong maxWaitNanos = new AtomicLong();
        List<NvmlEvent> received = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Thread thread = new Thread(() -> {
            try {
                while (System.nanoTime() < end) {
                    long start = System.nanoTime();
                    nvml.awaitEvent(Duration.ofSeconds(1)).ifPresent(received::add);
                    maxWaitNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
                    waits.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                failure.set(t);
            }
        }, "nvml-events");
        thread.start();
        thread.join(TimeUnit.SECONDS.toMillis(seconds + 10L));
        boolean stuck = thread.isAlive();
        if (stuck) {
            thread.interrupt();
        }
        out.println("   event set: " + nvml.eventSetStatus());
        nvml.eventRegistrations().forEach((bdf, status) -> out.printf("   %s: %s%n", bdf, status));
        out.printf("   waits: %d; longest wait: %.1f ms; events: %d %s%n", waits.get(), maxWaitNanos.get() / 1e6,
                received.size(), received);
        if (failure.get() != null || stuck || !nvml.eventSetStatus().equals("created")) {
            faults++;
            out.println("   FAULT: " + (failure.get() != null ? failure.get() : stuck ? "thread stuck"
                    : "no event set"));
        } else {
            out.printf("   ran %d s without fault%n", seconds);
        }
    }

    // ------------------------------------------------------------------ machine

    private static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8).stream()
                    .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static String ranges(List<Integer> cpus) {
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < cpus.size()) {
            int j = i;
            while (j + 1 < cpus.size() && cpus.get(j + 1) == cpus.get(j) + 1) {
                j++;
            }
            text.append(text.length() == 0 ? "" : ",").append(cpus.get(i));
            if (j > i) {
                text.append('-').append(cpus.get(j));
            }
            i = j + 1;
        }
        return text.length() == 0 ? "(none)" : text.toString();
    }
}
