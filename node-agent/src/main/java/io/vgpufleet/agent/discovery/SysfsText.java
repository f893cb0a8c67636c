package io.vgpufleet.agent.discovery;

import io.vgpufleet.contracts.Checks;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pure parsers for the small sysfs attributes: counts, NUMA node, CPU lists, PCI ids, NVIDIA's
 * {@code vgpu_params}, {@code creatable_vgpu_types} and {@code current_vgpu_type}. Each takes the text
 * as read and answers a value or a {@link SysfsException} naming what was wrong.
 */
public final class SysfsText {

    private static final Pattern COUNT = Pattern.compile("[0-9]{1,9}");
    private static final Pattern NUMA_NODE = Pattern.compile("-1|[0-9]{1,4}");
    private static final Pattern CPU_LIST = Pattern.compile("[0-9]{1,5}(-[0-9]{1,5})?(,[0-9]{1,5}(-[0-9]{1,5})?)*");
    private static final Pattern HEX_ID = Pattern.compile("0x[0-9a-f]{4,6}");
    private static final Pattern CREATABLE_LINE = Pattern.compile("([0-9]{1,6})\\s*:\\s*(\\S.{0,126})");
    private static final Pattern PARAM = Pattern.compile("([a-z][a-z0-9_]{0,63})\\s*=\\s*([A-Za-z0-9._:-]{0,128})");

    /** A line of {@code creatable_vgpu_types}: {@code 1120 : NVIDIA H100XM-10C}. */
    public record CreatableType(String typeId, String name) {}

    private SysfsText() {}

    public static int count(String text, String what) throws SysfsException {
        String value = text.strip();
        if (!COUNT.matcher(value).matches()) {
            throw new SysfsException(what + " must be a count, was '" + Checks.printable(value) + "'");
        }
        return Integer.parseInt(value);
    }

    public static int numaNode(String text) throws SysfsException {
        String value = text.strip();
        if (!NUMA_NODE.matcher(value).matches()) {
            throw new SysfsException("numa_node must be -1 or a node number, was '" + Checks.printable(value) + "'");
        }
        return Integer.parseInt(value);
    }

    /** The kernel's CPU list ({@code 0-15,32-47}); empty text means no CPUs were named. */
    public static String cpuList(String text) throws SysfsException {
        String value = text.strip();
        if (!value.isEmpty() && !CPU_LIST.matcher(value).matches()) {
            throw new SysfsException("local_cpulist must look like 0-15,32-47, was '" + Checks.printable(value) + "'");
        }
        return value;
    }

    /** A PCI id attribute such as {@code vendor} ({@code 0x10de}) or {@code class} ({@code 0x030200}). */
    public static String hexId(String text, String what) throws SysfsException {
        String value = text.strip();
        if (!HEX_ID.matcher(value).matches()) {
            throw new SysfsException(what + " must be a hex id such as 0x10de, was '" + Checks.printable(value) + "'");
        }
        return value;
    }

    /**
     * NVIDIA's {@code vgpu_params}: {@code key=value} entries separated by commas or new lines; empty
     * text means none.
     */
    public static Map<String, String> vgpuParams(String text) throws SysfsException {
        Map<String, String> params = new LinkedHashMap<>();
        for (String entry : text.split("[,\n]", -1)) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            Matcher matcher = PARAM.matcher(trimmed);
            if (!matcher.matches()) {
                throw new SysfsException("vgpu_params entry '" + Checks.printable(trimmed) + "' is not key=value");
            }
            if (params.put(matcher.group(1), matcher.group(2)) != null) {
                throw new SysfsException("vgpu_params names '" + matcher.group(1) + "' twice");
            }
        }
        return params;
    }

    /** The text NVIDIA's driver takes in {@code vgpu_params}; {@link #vgpuParams} reads it back. */
    public static String formatVgpuParams(Map<String, String> params) {
        List<String> entries = new ArrayList<>();
        params.forEach((key, value) -> entries.add(key + "=" + value));
        entries.sort(null);
        return String.join(", ", entries);
    }

    /** {@code creatable_vgpu_types}: an optional {@code ID : vGPU Name} header, then {@code <id> : <name>} lines. */
    public static List<CreatableType> creatableTypes(String text) throws SysfsException {
        List<CreatableType> types = new ArrayList<>();
        String[] lines = text.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.isEmpty() || (i == 0 && line.startsWith("ID"))) {
                continue;
            }
            Matcher matcher = CREATABLE_LINE.matcher(line);
            if (!matcher.matches()) {
                throw new SysfsException("creatable_vgpu_types line '" + Checks.printable(line) + "' is not '<id> : <name>'");
            }
            types.add(new CreatableType(matcher.group(1), matcher.group(2).strip()));
        }
        return types;
    }

    /** {@code current_vgpu_type}: a numeric type id, or {@code 0} when the VF holds no vGPU. */
    public static Optional<String> currentType(String text) throws SysfsException {
        String value = text.strip();
        if (!SysfsNames.isNumericTypeId(value)) {
            throw new SysfsException("current_vgpu_type must be a type id or 0, was '" + Checks.printable(value) + "'");
        }
        String id = value.replaceFirst("^0+(?=.)", "");
        return "0".equals(id) ? Optional.empty() : Optional.of(id);
    }
}
