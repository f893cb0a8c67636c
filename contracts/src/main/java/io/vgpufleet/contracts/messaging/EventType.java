package io.vgpufleet.contracts.messaging;

import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A record type as it travels: its stable {@code ce_type}, its Java record, the topic it goes to and
 * how its key and CloudEvents subject are taken from it.
 *
 * @param ceType {@code vgpu.<context>.<name>.v<N>}; never a Java class name, so classes can move
 */
public record EventType<T>(String ceType, Class<T> javaType, Topic topic, Function<T, String> key) {

    private static final Pattern CE_TYPE = Pattern.compile("vgpu\\.[a-z]+\\.[a-z-]+\\.v[0-9]+");

    public EventType {
        if (!CE_TYPE.matcher(ceType).matches()) {
            throw new IllegalArgumentException("ce_type " + ceType + " is not vgpu.<context>.<name>.v<N>");
        }
    }

    /** The record key, which is also the CloudEvents subject. */
    public String keyOf(Object payload) {
        return key.apply(javaType.cast(payload));
    }
}
