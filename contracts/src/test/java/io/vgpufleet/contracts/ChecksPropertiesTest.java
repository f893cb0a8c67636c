package io.vgpufleet.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.vgpufleet.testing.HostileStrings;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * Whatever string arrives, a check either hands it back unchanged or refuses it with an
 * {@link IllegalArgumentException}; and nothing it hands back could walk a sysfs path. Each property
 * runs over 2,000 seeded hostile strings ({@link HostileStrings}); a failure names the value.
 */
class ChecksPropertiesTest {

    private static final List<String> HOSTILE = HostileStrings.sample(20261125L, 2_000);

    @Test
    void validUuidAcceptsOnlyPathSafeValues() {
        HOSTILE.forEach(value -> assertAcceptsUnchangedOrRejects(Checks::validUuid, value));
    }

    @Test
    void validGpuUuidAcceptsOnlyPathSafeValues() {
        HOSTILE.forEach(value -> assertAcceptsUnchangedOrRejects(Checks::validGpuUuid, value));
    }

    @Test
    void validPciBdfAcceptsOnlyPathSafeValues() {
        HOSTILE.forEach(value -> assertAcceptsUnchangedOrRejects(Checks::validPciBdf, value));
    }

    @Test
    void validHostIdAcceptsOnlyPathSafeValues() {
        HOSTILE.forEach(value -> assertAcceptsUnchangedOrRejects(Checks::validHostId, value));
    }

    @Test
    void vgpuTypeIdAcceptsOnlyPathSafeValues() {
        HOSTILE.forEach(value -> assertAcceptsUnchangedOrRejects(Checks::vgpuTypeId, value));
    }

    /** Identifiers may hold {@code ..} inside ({@code v1..2}) but can never be a path or start like one. */
    @Test
    void identifierAcceptsNothingThatReadsAsAPathOrAnOption() {
        for (String value : HOSTILE) {
            Throwable thrown = catchThrowable(() -> assertThat(Checks.identifier(value, "field")).isSameAs(value));

            if (thrown == null) {
                assertThat(value).as("accepted %s", value)
                        .doesNotContain("/").doesNotContainAnyWhitespaces().doesNotStartWith(".").doesNotStartWith("-");
            } else {
                assertThat(thrown).as("refusal of %s", value)
                        .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("field ");
            }
        }
    }

    @Test
    void printableNeverEchoesControlCharactersNorGrowsPastItsBound() {
        for (String value : HOSTILE) {
            assertThat(Checks.printable(value)).as("printable(%s)", value)
                    .doesNotContainPattern("[\\p{Cc}\\p{Cf}\\p{Zl}\\p{Zp}]").hasSizeLessThanOrEqualTo(83);
        }
    }

    private static void assertAcceptsUnchangedOrRejects(BiFunction<String, String, String> check, String value) {
        Throwable thrown = catchThrowable(() -> assertThat(check.apply(value, "field")).isSameAs(value));

        if (thrown == null) {
            assertThat(value).as("accepted %s", value).doesNotContain("/").doesNotContain("..").doesNotContainAnyWhitespaces();
        } else {
            assertThat(thrown).as("refusal of %s", value)
                    .isExactlyInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("field ");
        }
    }
}
