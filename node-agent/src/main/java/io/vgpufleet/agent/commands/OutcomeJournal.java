package io.vgpufleet.agent.commands;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventType;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first outcome of every recent command, by command id, so that a command seen again is answered
 * with it and not executed twice: Kafka delivers at least once, and a control plane retries.
 *
 * <p>On a host the journal is a file ({@code $STATE_DIRECTORY/command-outcomes.jsonl}, by default {@code /var/lib/vgpu-agent/}; a
 * simulated host keeps it in its own tree): one line per outcome, {@code <ce_type> TAB <reply JSON>},
 * appended and forced to disk before the reply is published, so a command redelivered after a crash or
 * a restart is still answered from it. The last {@link #KEPT} outcomes are kept; the file is rewritten
 * (to a temporary file, then moved over it) when it holds twice as many lines. A line that cannot be read
 * back (a torn last write) is skipped with a warning.
 */
public final class OutcomeJournal implements AutoCloseable {

    public static final int KEPT = 4096;
    static final String FILE_NAME = "command-outcomes.jsonl";
    private static final Logger log = LoggerFactory.getLogger(OutcomeJournal.class);

    private final @Nullable Path file;
    private final int kept;
    private final Map<String, CommandReply> outcomes = new LinkedHashMap<>();
    private @Nullable FileChannel channel;
    private int linesInFile;

    private OutcomeJournal(@Nullable Path file, int kept) {
        this.file = file;
        this.kept = kept;
    }

    /** A journal that forgets everything when the agent stops (tests, and agents with no state directory). */
    public static OutcomeJournal inMemory() {
        return new OutcomeJournal(null, KEPT);
    }

    /** Opens (or creates) the journal in {@code stateDir}, reading back what it holds. */
    public static OutcomeJournal open(Path stateDir) {
        return open(stateDir, KEPT);
    }

    /** As {@link #open(Path)}, keeping the last {@code kept} outcomes. */
    static OutcomeJournal open(Path stateDir, int kept) {
        Path file = stateDir.resolve(FILE_NAME);
        OutcomeJournal journal = new OutcomeJournal(file, kept);
        try {
            Files.createDirectories(stateDir);
            if (Files.exists(file)) {
                int skipped = 0;
                for (String line : Files.readAllLines(file, UTF_8)) {
                    journal.linesInFile++;
                    Optional<CommandReply> reply = parse(line);
                    if (reply.isPresent()) {
                        journal.remember(reply.get());
                    } else if (!line.isBlank()) {
                        skipped++;
                    }
                }
                if (skipped > 0) {
                    log.warn("command outcome journal {}: skipped {} unreadable line(s)", file, skipped);
                }
            }
            journal.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the command outcome journal " + file, e);
        }
        return journal;
    }

    public synchronized Optional<CommandReply> outcomeOf(String commandId) {
        return Optional.ofNullable(outcomes.get(commandId));
    }

    /** Remembers the reply and, for a file journal, has it on disk before returning. */
    public synchronized void record(CommandReply reply) {
        remember(reply);
        if (channel == null) {
            return;
        }
        try {
            write(channel, line(reply));
            channel.force(false);
            linesInFile++;
            if (linesInFile > 2 * kept) {
                rewrite();
            }
        } catch (IOException e) {
            // the reply still goes out; only its replay after a restart is at risk
            log.warn("command outcome journal {}: could not write the outcome of {}: {}", file, reply.commandId(),
                    e.toString());
        }
    }

    public synchronized int size() {
        return outcomes.size();
    }

    private void remember(CommandReply reply) {
        outcomes.remove(reply.commandId());
        outcomes.put(reply.commandId(), reply);
        while (outcomes.size() > kept) {
            outcomes.remove(outcomes.keySet().iterator().next());
        }
    }

    private void rewrite() throws IOException {
        Path target = Objects.requireNonNull(file);
        Path temporary = target.resolveSibling(FILE_NAME + ".tmp");
        List<String> lines = new ArrayList<>();
        outcomes.values().forEach(reply -> lines.add(line(reply)));
        try (FileChannel out = FileChannel.open(temporary, StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            for (String line : lines) {
                write(out, line);
            }
            out.force(false);
        }
        Objects.requireNonNull(channel).close();
        Files.move(temporary, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        channel = FileChannel.open(target, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        linesInFile = lines.size();
    }

    private static void write(FileChannel channel, String line) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap((line + "\n").getBytes(UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    static String line(CommandReply reply) {
        EventType<?> type = EventTypes.of(reply.getClass());
        return type.ceType() + "\t" + new String(EventCodec.toJson(reply), UTF_8);
    }

    static Optional<CommandReply> parse(String line) {
        int tab = line.indexOf('\t');
        if (tab < 0) {
            return Optional.empty();
        }
        Optional<EventType<?>> type = EventTypes.byCeType(line.substring(0, tab));
        if (type.isEmpty() || !CommandReply.class.isAssignableFrom(type.get().javaType())) {
            return Optional.empty();
        }
        try {
            Object reply = EventCodec.fromJson(type.get(), line.substring(tab + 1).getBytes(UTF_8));
            return Optional.of((CommandReply) reply);
        } catch (MalformedRecordException | RuntimeException e) {
            return Optional.empty();
        }
    }

    @Override
    public synchronized void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                log.warn("command outcome journal {}: close failed: {}", file, e.toString());
            }
            channel = null;
        }
    }
}
