package io.vgpufleet.contracts;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Field checks shared by every record's compact constructor, so that a record that exists is valid.
 *
 * <p>The formats are the ones the hosts themselves use: a canonical lower-case UUID as the kernel
 * accepts in an mdev {@code create} file, a PCI address {@code dddd:bb:dd.f} as sysfs names devices,
 * a vGPU type id {@code nvidia-<n>} (mdev) or a bare number (vendor-VFIO {@code current_vgpu_type}).
 * Anything that might become part of a path on a host is checked here first.
 */
public final class Checks {

    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern GPU_UUID =
            Pattern.compile("GPU-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern PCI_BDF = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\\.[0-7]");
    private static final Pattern TYPE_ID = Pattern.compile("nvidia-[0-9]{1,6}|[0-9]{1,6}");
    // no empty DNS label: "a..b" is no host name, and ".." has no business in anything that may become a path
    private static final Pattern HOST_ID = Pattern.compile("(?!.*\\.\\.)[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");
    private static final Pattern PARAM_KEY = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final Pattern PARAM_VALUE = Pattern.compile("[A-Za-z0-9._:-]{0,128}");

    private Checks() {}

    public static String nonBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
        return value;
    }

    public static <T> T present(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must be present");
        }
        return value;
    }

    public static String validUuid(String value, String field) {
        return matching(value, UUID, field, "a canonical lower-case UUID");
    }

    public static String validGpuUuid(String value, String field) {
        return matching(value, GPU_UUID, field, "an NVML GPU UUID (GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx)");
    }

    public static String validPciBdf(String value, String field) {
        return matching(value, PCI_BDF, field, "a PCI address dddd:bb:dd.f in lower-case hex");
    }

    public static String vgpuTypeId(String value, String field) {
        return matching(value, TYPE_ID, field, "a vGPU type id nvidia-<n> or <n>");
    }

    public static String validHostId(String value, String field) {
        return matching(value, HOST_ID, field, "a host id of lower-case letters, digits, '.' and '-' (at most 63)");
    }

    /** Ids the control plane makes (command, claim, migration, request ids) and VM names. */
    public static String identifier(String value, String field) {
        return matching(value, IDENTIFIER, field, "1 to 128 of [A-Za-z0-9._:-], not starting with a symbol");
    }

    public static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative, was " + value);
        }
        return value;
    }

    public static int nonNegative(int value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException(field + " must not be negative, was " + value);
        }
        return value;
    }

    public static <T> List<T> list(List<T> value, String field) {
        present(value, field);
        for (T element : value) {
            if (element == null) {
                throw new IllegalArgumentException(field + " must not contain null");
            }
        }
        return List.copyOf(value);
    }

    /** vGPU parameters as NVIDIA's {@code vgpu_params} takes them: {@code key=value}, keys snake case. */
    public static Map<String, String> validParams(Map<String, String> value, String field) {
        present(value, field);
        for (Map.Entry<String, String> entry : value.entrySet()) {
            matching(entry.getKey(), PARAM_KEY, field + " key", "snake_case of at most 64 characters");
            matching(entry.getValue(), PARAM_VALUE, field + "." + entry.getKey(), "at most 128 of [A-Za-z0-9._:-]");
        }
        return Map.copyOf(value);
    }

    public static Map<String, String> stringMap(Map<String, String> value, String field) {
        present(value, field);
        for (Map.Entry<String, String> entry : value.entrySet()) {
            if (entry.getKey() == null || entry.getValue() == null) {
                throw new IllegalArgumentException(field + " must not contain null keys or values");
            }
        }
        return Map.copyOf(value);
    }

    public static void atMost(Collection<?> value, int max, String field) {
        if (value.size() > max) {
            throw new IllegalArgumentException(field + " must hold at most " + max + " entries, held " + value.size());
        }
    }

    private static String matching(String value, Pattern pattern, String field, String expectation) {
        if (value == null) {
            throw new IllegalArgumentException(field + " must be present");
        }
        if (!pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be " + expectation + ", was '" + printable(value) + "'");
        }
        return value;
    }

    /** Echoes hostile input back in messages without control characters and without unbounded length. */
    public static String printable(String value) {
        return printable(value, 80);
    }

    /**
     * As {@link #printable(String)}, cut after {@code maxLength} characters. C0 and C1 controls, line and
     * paragraph separators and format characters (bidi overrides) become {@code ?}: none of them may
     * reach a log line or a header.
     */
    public static String printable(String value, int maxLength) {
        StringBuilder out = new StringBuilder(Math.min(value.length(), maxLength) + 3);
        for (int i = 0; i < value.length() && out.length() < maxLength; i++) {
            char c = value.charAt(i);
            out.append(invisible(c) ? '?' : c);
        }
        if (value.length() > maxLength) {
            out.append("...");
        }
        return out.toString();
    }

    private static boolean invisible(char c) {
        int type = Character.getType(c);
        return Character.isISOControl(c)
                || type == Character.LINE_SEPARATOR
                || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.FORMAT;
    }
}
