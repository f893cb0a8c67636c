package io.vgpufleet.agent.discovery;

import io.vgpufleet.contracts.Checks;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses an mdev type's {@code description}. Drivers write it two ways, {@code num heads=1, frl
 * config=60, ...} and {@code num_heads=4, frl_config=60, ...}; both are read by treating spaces and
 * underscores inside a key alike. {@code framebuffer} and {@code max instance} are required (capacity
 * cannot be told without them); the others default; unknown keys are ignored so that a newer driver
 * does not break discovery.
 *
 * <p>Pure: any string gives a description or a {@link SysfsException} with the reason.
 */
public final class TypeDescriptionParser {

    private static final int MAX_LENGTH = 4096;
    private static final Pattern KEY = Pattern.compile("[a-z][a-z _]{0,39}");
    private static final Pattern NUMBER = Pattern.compile("[0-9]{1,9}");
    private static final Pattern FRAMEBUFFER = Pattern.compile("([0-9]{1,9})([MG])");
    private static final Pattern RESOLUTION = Pattern.compile("[0-9]{1,5}x[0-9]{1,5}");

    private TypeDescriptionParser() {}

    public static TypeDescription parse(String description) throws SysfsException {
        if (description.length() > MAX_LENGTH) {
            throw new SysfsException("description is longer than " + MAX_LENGTH + " characters");
        }
        Map<String, String> fields = fields(description.strip());
        String framebuffer = required(fields, "framebuffer");
        String maxInstance = required(fields, "max_instance");
        return new TypeDescription(
                number(fields.getOrDefault("num_heads", "0"), "num heads"),
                number(fields.getOrDefault("frl_config", "0"), "frl config"),
                framebufferMib(framebuffer),
                resolution(fields.getOrDefault("max_resolution", "")),
                number(maxInstance, "max instance"));
    }

    private static Map<String, String> fields(String description) throws SysfsException {
        Map<String, String> fields = new HashMap<>();
        if (description.isEmpty()) {
            throw new SysfsException("description is empty");
        }
        for (String part : description.split(",", -1)) {
            int equals = part.indexOf('=');
            if (equals < 0) {
                throw new SysfsException("description part '" + Checks.printable(part.strip()) + "' is not key=value");
            }
            String rawKey = part.substring(0, equals).strip().toLowerCase(Locale.ROOT);
            if (!KEY.matcher(rawKey).matches()) {
                throw new SysfsException("description key '" + Checks.printable(rawKey) + "' is not a word");
            }
            String key = rawKey.replace(' ', '_');
            if (fields.put(key, part.substring(equals + 1).strip()) != null) {
                throw new SysfsException("description names '" + key + "' twice");
            }
        }
        return fields;
    }

    private static String required(Map<String, String> fields, String key) throws SysfsException {
        String value = fields.get(key);
        if (value == null) {
            throw new SysfsException("description has no '" + key.replace('_', ' ') + "'");
        }
        return value;
    }

    private static int number(String value, String what) throws SysfsException {
        if (!NUMBER.matcher(value).matches()) {
            throw new SysfsException(what + " must be a number, was '" + Checks.printable(value) + "'");
        }
        return Integer.parseInt(value);
    }

    private static long framebufferMib(String value) throws SysfsException {
        Matcher matcher = FRAMEBUFFER.matcher(value);
        if (!matcher.matches()) {
            throw new SysfsException("framebuffer must look like 8192M, was '" + Checks.printable(value) + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return "G".equals(matcher.group(2)) ? amount * 1024 : amount;
    }

    private static String resolution(String value) throws SysfsException {
        if (!value.isEmpty() && !RESOLUTION.matcher(value).matches()) {
            throw new SysfsException("max resolution must look like 4096x2160, was '" + Checks.printable(value) + "'");
        }
        return value;
    }
}
