package io.vgpufleet.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.messaging.EventType;
import io.vgpufleet.contracts.messaging.EventTypes;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The fixture the wire-format tests rely on must keep up with the registry. */
class SamplesTest {

    @Test
    void coverEveryRegisteredType() {
        assertThat(Samples.types()).containsExactlyInAnyOrderElementsOf(EventTypes.all());
    }

    @Test
    void areInstancesOfTheirRegisteredClass() {
        for (EventType<?> type : EventTypes.all()) {
            assertThat(Samples.of(type)).isNotEmpty().allSatisfy(sample -> assertThat(sample.getClass())
                    .as(type.ceType())
                    .isEqualTo(type.javaType()));
        }
    }

    /** A reader must be shown both forms of an optional field, or a bug in one of them goes unseen. */
    @Test
    void showEveryNullableFieldBothSetAndAbsent() throws ReflectiveOperationException {
        Set<String> seenSet = new TreeSet<>();
        Set<String> seenAbsent = new TreeSet<>();
        Set<String> nullable = new TreeSet<>();
        for (Object sample : Samples.all()) {
            walk(sample, nullable, seenSet, seenAbsent);
        }

        assertThat(nullable).as("nullable fields reachable from the samples").isNotEmpty();
        assertThat(seenSet).as("nullable fields set in some sample").containsAll(nullable);
        assertThat(seenAbsent).as("nullable fields absent in some sample").containsAll(nullable);
    }

    private static void walk(@Nullable Object value, Set<String> nullable, Set<String> seenSet, Set<String> seenAbsent)
            throws ReflectiveOperationException {
        if (value instanceof Collection<?> collection) {
            for (Object element : collection) {
                walk(element, nullable, seenSet, seenAbsent);
            }
        } else if (value instanceof Map<?, ?> map) {
            for (Object element : map.values()) {
                walk(element, nullable, seenSet, seenAbsent);
            }
        } else if (value != null && value.getClass().isRecord()) {
            for (RecordComponent component : value.getClass().getRecordComponents()) {
                Object field = read(component, value);
                if (component.getAnnotatedType().isAnnotationPresent(Nullable.class)) {
                    String name = value.getClass().getSimpleName() + "." + component.getName();
                    nullable.add(name);
                    (field == null ? seenAbsent : seenSet).add(name);
                }
                walk(field, nullable, seenSet, seenAbsent);
            }
        }
    }

    private static @Nullable Object read(RecordComponent component, Object record) throws ReflectiveOperationException {
        try {
            return component.getAccessor().invoke(record);
        } catch (InvocationTargetException e) {
            throw new AssertionError(component + " accessor failed", e.getCause());
        }
    }
}
