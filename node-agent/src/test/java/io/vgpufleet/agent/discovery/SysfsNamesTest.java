package io.vgpufleet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.testing.HostileStrings;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class SysfsNamesTest {

    /** The rule a path segment follows, as a regex: the hand-written check must agree with it everywhere. */
    private static final Pattern SEGMENT_RULE = Pattern.compile("[A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,127}");

    @Test
    void aSegmentIsAcceptedExactlyWhenItFollowsTheRule() {
        List<String> values = new ArrayList<>(HostileStrings.sample(3L, 5_000, "nvidia-289", "0000:3b:00.0",
                "mdev_supported_types", "..", ".", "_", ":", "-", "a".repeat(127), "b".repeat(128)));
        values.addAll(List.of("", ".", "..", "...", "a..b", ".hidden", "a.", "a.b.c", "a".repeat(128), "a".repeat(129),
                "nvidia-289", "0000:3b:00.0", "b0f1c8de-6f43-4c3b-9a7e-1f2d3c4b5a69", "a/b", "\u00e9", "x\u0000"));
        for (String value : values) {
            boolean rule = SEGMENT_RULE.matcher(value).matches() && !value.contains("..");
            assertThat(SysfsNames.isSafeSegment(value)).as("segment '%s'", value).isEqualTo(rule);
        }
    }
}
