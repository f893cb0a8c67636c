package io.vgpufleet.service.web;

import io.vgpufleet.contracts.Checks;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/**
 * Reads a JSON object request body (as Jackson binds it: strings, booleans, numbers, lists, maps) field by
 * field, so that every refusal is an {@link InvalidFieldException} naming its field. Unknown fields are
 * refused: a misspelt constraint must not be dropped silently. Field names from the body are made printable
 * before they reach a problem detail.
 */
public final class RequestFields {

    private RequestFields() {}

    /** The body itself: a JSON object, not null. */
    public static Map<String, ?> object(@Nullable Map<String, ?> body) {
        if (body == null) {
            throw new InvalidFieldException("body", "must be a JSON object");
        }
        return body;
    }

    /** Refuses the first field not in {@code known}; {@code what} names the request, e.g. "a claim request". */
    public static void onlyKnown(Map<String, ?> body, Set<String> known, String what) {
        for (String field : body.keySet()) {
            if (!known.contains(field)) {
                throw new InvalidFieldException(printable(field), "is not a field of " + what + "; known: "
                        + known.stream().sorted().toList());
            }
        }
    }

    /** A string field, or null where absent. */
    public static @Nullable String string(Map<String, ?> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new InvalidFieldException(field, "must be a string, was " + kind(value));
        }
        return text;
    }

    /** A string field that passes a contracts check ({@code Checks::identifier} and the like), or null where absent. */
    public static @Nullable String checked(Map<String, ?> body, String field, BiFunction<String, String, String> check) {
        String value = string(body, field);
        if (value != null) {
            check(field, value, check);
        }
        return value;
    }

    /** As {@link #checked}, and present. */
    public static String required(Map<String, ?> body, String field, BiFunction<String, String, String> check) {
        String value = checked(body, field, check);
        if (value == null) {
            throw new InvalidFieldException(field, "must be present");
        }
        return value;
    }

    /** Free text of 1 to {@code max} printable characters, or null where absent. */
    public static @Nullable String text(Map<String, ?> body, String field, int max) {
        return checked(body, field, (value, name) -> {
            if (value.isBlank() || value.length() > max || !Checks.printable(value, max).equals(value)) {
                throw new IllegalArgumentException(name + " must be 1 to " + max + " printable characters");
            }
            return value;
        });
    }

    /** A whole number within {@code min..max}, or {@code absent} where the field is absent. */
    public static long integer(Map<String, ?> body, String field, long absent, long min, long max) {
        Object value = body.get(field);
        if (value == null) {
            return absent;
        }
        long number;
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            number = ((Number) value).longValue();
        } else if (value instanceof BigInteger big) {
            number = big.signum() < 0 ? Long.MIN_VALUE : Long.MAX_VALUE;
        } else {
            throw new InvalidFieldException(field, "must be a whole number, was " + kind(value));
        }
        if (number < min || number > max) {
            throw new InvalidFieldException(field, max == Long.MAX_VALUE || max == Integer.MAX_VALUE
                    ? "must be " + min + " or more, was " + value
                    : "must be " + min + " to " + max + ", was " + value);
        }
        return number;
    }

    /** A boolean, false where absent. */
    public static boolean bool(Map<String, ?> body, String field) {
        Object value = body.get(field);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean flag)) {
            throw new InvalidFieldException(field, "must be true or false, was " + kind(value));
        }
        return flag;
    }

    /**
     * A list of at most {@code maxList} strings, each passing a contracts check, without repeats in their
     * first order; empty where absent. A refused element is named with its index, e.g. {@code hostAffinity[3]}.
     */
    public static List<String> ids(Map<String, ?> body, String field, int maxList,
            BiFunction<String, String, String> check) {
        Object value = body.get(field);
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            throw new InvalidFieldException(field, "must be a list of strings, was " + kind(value));
        }
        if (list.size() > maxList) {
            throw new InvalidFieldException(field, "must list at most " + maxList + ", listed " + list.size());
        }
        for (int i = 0; i < list.size(); i++) {
            String element = field + "[" + i + "]";
            if (!(list.get(i) instanceof String id)) {
                throw new InvalidFieldException(element, "must be a string, was " + kind(list.get(i)));
            }
            check(element, id, check);
        }
        return list.stream().map(String.class::cast).distinct().toList();
    }

    /** Runs a contracts check, whose message starts with the field name, as a refusal naming the field. */
    public static void check(String field, String value, BiFunction<String, String, String> check) {
        try {
            check.apply(value, field);
        } catch (IllegalArgumentException refused) {
            String message = String.valueOf(refused.getMessage());
            throw new InvalidFieldException(field, message.startsWith(field + " ")
                    ? message.substring(field.length() + 1) : message);
        }
    }

    /** What a bound JSON value is, for a refusal: "a string", "the number 7", "a list"... */
    public static String kind(@Nullable Object value) {
        return value == null ? "null"
                : value instanceof String ? "a string"
                : value instanceof Boolean ? "a boolean"
                : value instanceof Number ? "the number " + value
                : value instanceof List ? "a list"
                : value instanceof Map ? "an object"
                : value.getClass().getSimpleName();
    }

    /** A value from the body as a refusal may quote it: printable, at most 40 characters. */
    public static String printable(String value) {
        return Checks.printable(value, 40);
    }
}
