package io.vgpufleet.agent.commands;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.testing.HostileStrings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OutcomeJournalTest {

    private static final Instant AT = Instant.parse("2026-11-25T12:00:00Z");

    @Test
    void outcomesSurviveReopeningTheJournal(@TempDir Path dir) {
        CommandReply succeeded = new CommandSucceeded("c-1", "h1", "vgpu.agent.create-vgpu.v1", AT,
                Map.of("vgpuUuid", "98d19132-f8f0-4d19-8743-9efa23e6c493"));
        CommandReply failed = new CommandFailed("c-2", "h1", "vgpu.agent.remove-vgpu.v1", AT, "EBUSY", "in use");
        CommandReply rejected = new CommandRejected("c-3", "h1", "vgpu.agent.create-vgpu.v1", AT, List.of("bad type"));
        try (OutcomeJournal journal = OutcomeJournal.open(dir)) {
            journal.record(succeeded);
            journal.record(failed);
            journal.record(rejected);
        }
        try (OutcomeJournal reopened = OutcomeJournal.open(dir)) {
            assertThat(reopened.outcomeOf("c-1")).contains(succeeded);
            assertThat(reopened.outcomeOf("c-2")).contains(failed);
            assertThat(reopened.outcomeOf("c-3")).contains(rejected);
            assertThat(reopened.outcomeOf("c-4")).isEmpty();
        }
    }

    @Test
    void aTornOrForeignLineIsSkippedAndTheRestIsKept(@TempDir Path dir) throws IOException {
        CommandReply kept = new CommandFailed("c-1", "h1", "vgpu.agent.remove-vgpu.v1", AT, "ENODEV", "gone");
        try (OutcomeJournal journal = OutcomeJournal.open(dir)) {
            journal.record(kept);
        }
        Path file = dir.resolve(OutcomeJournal.FILE_NAME);
        StringBuilder junk = new StringBuilder();
        junk.append("vgpu.agent.host-snapshot.v1\t{\"hostId\":\"h1\"}\n"); // a known type that is no reply
        junk.append("vgpu.agent.command-failed.v1\t{\"commandId\":\n"); // torn
        List<String> hostile = HostileStrings.sample(11, 400);
        for (int i = 0; i + 1 < hostile.size(); i += 2) {
            junk.append(hostile.get(i).replace('\n', ' ')).append('\t').append(hostile.get(i + 1).replace('\n', ' '))
                    .append('\n');
        }
        Files.writeString(file, junk, UTF_8, StandardOpenOption.APPEND);

        try (OutcomeJournal reopened = OutcomeJournal.open(dir)) {
            assertThat(reopened.outcomeOf("c-1")).contains(kept);
            assertThat(reopened.size()).isEqualTo(1);
        }
    }

    @Test
    void keepsTheLatestOutcomesAndRewritesTheFileWhenItGrows(@TempDir Path dir) throws IOException {
        int kept = 16;
        int total = 2 * kept + 10;
        try (OutcomeJournal journal = OutcomeJournal.open(dir, kept)) {
            for (int i = 0; i < total; i++) {
                journal.record(new CommandFailed("c-" + i, "h1", "vgpu.agent.remove-vgpu.v1", AT, "ENODEV", "gone"));
            }
            assertThat(journal.size()).isEqualTo(kept);
        }
        long lines = Files.readAllLines(dir.resolve(OutcomeJournal.FILE_NAME), UTF_8).size();
        assertThat(lines).isLessThanOrEqualTo(2L * kept).isGreaterThanOrEqualTo(kept);
        try (OutcomeJournal reopened = OutcomeJournal.open(dir, kept)) {
            assertThat(reopened.size()).isEqualTo(kept);
            assertThat(reopened.outcomeOf("c-" + (total - 1))).isPresent();
            assertThat(reopened.outcomeOf("c-0")).isEmpty();
        }
    }
}
