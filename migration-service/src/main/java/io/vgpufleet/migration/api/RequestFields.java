package io.vgpufleet.migration.api;

import io.vgpufleet.contracts.Checks;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import org.jspecify.annotations.Nullable;

/** Reads a JSON object body field by field, so that every refusal names its field. */
final class RequestFields {

    private final Map<String, ?> body;

    RequestFields(@Nullable Map<String, ?> body, Set<String> known) {
        if (body == null) {
            throw new InvalidFieldException("body", "must be a JSON object");
        }
        for (String field : body.keySet()) {
            if (!known.contains(field)) {
                throw new InvalidFieldException(Checks.printable(field, 64), "is not a field of this request; known: "
                        + known.stream().sorted().toList());
            }
        }
        this.body = body;
    }

    /** A string field checked by a contracts check, or null where absent. */
    @Nullable String string(String field, BiFunction<String, String, String> check) {
        Object value = body.get(field);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text)) {
            throw new InvalidFieldException(field, "must be a string");
        }
        try {
            return check.apply(text, field);
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException(field, String.valueOf(e.getMessage()).replaceFirst("^" + field + " ", ""));
        }
    }

    /** Free text of at most {@code max} characters, printable, or null where absent. */
    @Nullable String text(String field, int max) {
        return string(field, (value, name) -> {
            if (value.isBlank() || value.length() > max || !Checks.printable(value, max).equals(value)) {
                throw new IllegalArgumentException(name + " must be 1 to " + max + " printable characters");
            }
            return value;
        });
    }
}
