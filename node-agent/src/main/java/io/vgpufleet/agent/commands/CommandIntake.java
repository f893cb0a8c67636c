package io.vgpufleet.agent.commands;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.metrics.AgentMetrics;
import io.vgpufleet.agent.metrics.AgentMetrics.CommandStage;
import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.Envelope;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads {@code vgpu.agent.commands.v1} on its own thread (group {@code node-agent-<hostId>}) and
 * answers every command addressed to this host.
 *
 * <ul>
 *   <li>Records are keyed by host id and every agent reads the whole topic, so a record keyed for
 *       another host is skipped unread: that host's agent answers it. A record keyed for this host
 *       whose payload names another host is refused with {@code CommandRejected} and not executed.
 *   <li>A record keyed for this host that cannot be decoded is copied to {@code
 *       vgpu.agent.commands.v1.dlq} with the reason, and the intake carries on with the next record. A
 *       record without a key belongs to no host and is skipped with a warning (every agent would
 *       otherwise dead-letter the same record).
 *   <li>A poll's offsets are committed (asynchronously) once its records are answered and the broker has
 *       acknowledged every reply of it, polls in order; the next poll is read and answered meanwhile: at least
 *       once, with repeats answered from the {@link CommandHandler}'s memory of outcomes.
 *   <li>The poll's commands are one batch ({@link CommandHandler#handleInBatch}): the snapshot of what they
 *       changed goes out once, after their replies were handed to the producer, not before each reply.
 *   <li>While the broker is away (a reply or dead letter not acknowledged in time), the commands are read
 *       again from the first record of the oldest poll not yet committed once it is back; the intake never
 *       stops for an outage.
 *   <li>Any other failure of the consumer or of answering starts the intake over from the committed offsets
 *       after a backoff (0.5 s, doubled up to 30 s), counted in {@code vgpu.agent.command.intake.restarts}.
 * </ul>
 */
public final class CommandIntake implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CommandIntake.class);
    /**
     * How long one poll waits for commands: a command ends the wait at once and {@link #close()} wakes it, so
     * only an idle host's loop turns at this pace (at 500 ms it was a visible share of an idle agent's CPU).
     */
    private static final Duration POLL = Duration.ofSeconds(5);
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(15);
    /** How long the broker may hold an empty fetch of the commands topic (below {@code request.timeout.ms}). */
    static final int FETCH_MAX_WAIT_MS = 5_000;
    /** The wait before the intake starts over after an unexpected failure; doubled after each, up to the last. */
    static final Duration FIRST_RESTART_BACKOFF = Duration.ofMillis(500);
    private static final Duration LAST_RESTART_BACKOFF = Duration.ofSeconds(30);

    private final byte[] hostKey;
    private final Consumer<byte[], byte[]> consumer;
    private final Map<String, Object> deadLetterConfig;
    /**
     * Made at the first dead letter, not at start: a well-behaved fleet sends none, and an idle producer
     * holds a network thread, a connection and its buffers on every host. Touched by the intake thread
     * only, and by {@link #close()} after that thread ended.
     */
    private volatile @Nullable Producer<byte[], byte[]> deadLetterProducer;
    private final EventCodec codec;
    private final EventPublisher replies;
    private final CommandHandler handler;
    private final AgentMetrics metrics;
    private final AutoCloseable consumerMetrics;
    private final Thread thread;
    /** Polls answered whose replies the broker has not all acknowledged yet, oldest first (intake thread only). */
    private final ArrayDeque<Answered> unacknowledged = new ArrayDeque<>();
    private volatile boolean running = true;
    /** Counted down by {@link #close()}: ends a restart's wait at once. */
    private final CountDownLatch closed = new CountDownLatch(1);
    private boolean started;

    /** @param kafkaSecurity TLS settings added to the consumer and the dead-letter producer; empty for plaintext */
    public CommandIntake(String hostId, String bootstrapServers, Map<String, Object> kafkaSecurity, EventCodec codec,
            EventPublisher replies, CommandHandler handler, AgentMetrics metrics) {
        this(hostId, new KafkaConsumer<>(with(consumerConfig(hostId, bootstrapServers), kafkaSecurity)),
                with(deadLetterConfig(hostId, bootstrapServers), kafkaSecurity), codec, replies, handler, metrics);
    }

    /** An intake over the given consumer (tests give a {@code MockConsumer}). */
    CommandIntake(String hostId, Consumer<byte[], byte[]> consumer, Map<String, Object> deadLetterConfig,
            EventCodec codec, EventPublisher replies, CommandHandler handler, AgentMetrics metrics) {
        this.hostKey = hostId.getBytes(UTF_8);
        this.codec = codec;
        this.replies = replies;
        this.handler = handler;
        this.metrics = metrics;
        this.deadLetterConfig = deadLetterConfig;
        this.consumer = consumer;
        this.consumerMetrics = metrics.kafkaClient(consumer);
        this.thread = new Thread(this::run, "command-intake");
    }

    private static Map<String, Object> with(Map<String, Object> config, Map<String, Object> more) {
        config.putAll(more);
        return config;
    }

    public static String groupId(String hostId) {
        return "node-agent-" + hostId;
    }

    public void start() {
        consumer.subscribe(List.of(TopicCatalogue.AGENT_COMMANDS.name()));
        thread.start();
        started = true;
    }

    private void run() {
        try {
            Duration backoff = FIRST_RESTART_BACKOFF;
            while (running) {
                try {
                    if (turn()) {
                        backoff = FIRST_RESTART_BACKOFF; // not on an empty poll: a rejoining consumer returns those
                    }
                } catch (InterruptException e) {
                    throw e;
                } catch (RuntimeException e) {
                    if (!running) {
                        return; // close() woke the poll
                    }
                    // an intake that stops answers nothing until the agent restarts (the chaos suite found one
                    // that did, for minutes): it starts over from the committed offsets instead, repeats answered
                    // from the outcome journal
                    log.error("command intake failed, starting over from the committed offsets in {} ms: {}",
                            backoff.toMillis(), e.toString(), e);
                    metrics.commandIntakeRestarted();
                    unacknowledged.clear();
                    if (closed.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) {
                        return;
                    }
                    consumer.unsubscribe();
                    consumer.subscribe(List.of(TopicCatalogue.AGENT_COMMANDS.name()));
                    Duration doubled = backoff.multipliedBy(2);
                    backoff = doubled.compareTo(LAST_RESTART_BACKOFF) < 0 ? doubled : LAST_RESTART_BACKOFF;
                }
            }
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("command intake stopped: {}", e.toString(), e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /**
     * One poll: its commands answered, and every poll whose replies the broker acknowledged committed.
     *
     * @return whether the poll held records and they were answered
     */
    private boolean turn() throws InterruptedException {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(nextPoll());
        if (!records.isEmpty()) {
            try {
                unacknowledged.add(new Answered(records, answer(records), System.nanoTime()));
            } catch (NotAcknowledgedException e) {
                // a dead letter the broker did not take: read from the oldest unsettled poll again
                log.warn("{}; command records are read again", e.getMessage());
                rewind(records);
                return false;
            }
        }
        settle();
        return !records.isEmpty();
    }

    /**
     * The long poll while nothing waits for the broker; while replies do, a short one that grows with their wait
     * (1 ms at first, at most 100 ms), so they are settled soon without spinning through an outage.
     */
    private Duration nextPoll() {
        Answered oldest = unacknowledged.peek();
        if (oldest == null) {
            return POLL;
        }
        long waited = Duration.ofNanos(System.nanoTime() - oldest.answeredAt()).toMillis();
        return Duration.ofMillis(Math.min(100, 1 + waited / 4));
    }

    /**
     * Commits the offsets of every answered poll whose replies the broker has all acknowledged, oldest first,
     * asynchronously (close() waits for commits in flight; a commit that fails only means records delivered
     * again, answered from the outcome journal). A reply the broker refused, or did not acknowledge within
     * {@link #SEND_TIMEOUT}, sends the intake back to the first record of the oldest unsettled poll: the broker
     * is away, and once it is back those commands are answered again from the outcome journal, not executed twice.
     */
    private void settle() {
        while (!unacknowledged.isEmpty()) {
            Answered oldest = unacknowledged.peek();
            // whether the broker answered every reply is read before whether it refused one: read the other way
            // round, a refusal landing between the two reads counted as an acknowledgement and the poll's
            // offsets were committed with its reply lost
            boolean answered = oldest.answered();
            Optional<String> failure = oldest.failure();
            boolean late = Duration.ofNanos(System.nanoTime() - oldest.answeredAt()).compareTo(SEND_TIMEOUT) > 0;
            if (failure.isPresent() || (late && !answered)) {
                log.warn("{}; command records are read again", failure.orElse("replies not acknowledged within "
                        + SEND_TIMEOUT.toSeconds() + " s"));
                rewind(null);
                return;
            }
            if (!answered) {
                return;
            }
            unacknowledged.remove();
            if (!oldest.replies().isEmpty()) {
                metrics.commandStage(CommandStage.ACKNOWLEDGED,
                        Duration.ofNanos(System.nanoTime() - oldest.answeredAt()));
            }
            int count = oldest.records().count();
            consumer.commitAsync(nextOffsets(oldest.records()), (offsets, error) -> {
                if (error != null) {
                    log.warn("offsets of {} answered command records not committed: {}", count, error.toString());
                }
            });
        }
    }

    /**
     * Answers every record of the poll; their replies are on their way, not yet acknowledged. The next poll goes
     * out while the broker acknowledges them: waiting held every batch for that round trip.
     */
    private List<Sent> answer(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
        List<Sent> sent = new ArrayList<>();
        try {
            for (ConsumerRecord<byte[], byte[]> record : records) {
                Sent reply = take(record);
                if (reply != null) {
                    sent.add(reply);
                }
            }
        } finally {
            // one snapshot for the poll's changes, while its replies are on their way
            long snapshotStarted = System.nanoTime();
            handler.endBatch();
            metrics.commandStage(CommandStage.SNAPSHOT, Duration.ofNanos(System.nanoTime() - snapshotStarted));
        }
        return sent;
    }

    /**
     * Puts every partition back to its first record in the oldest unsettled poll (or in {@code current}, the
     * poll being answered, where no older one holds it) and forgets the unsettled polls. A partition the group
     * took away meanwhile (the broker was away long enough for the member to be dropped) is not sought: seeking
     * it throws, and once it is assigned again it is read from its committed offset, which is never past a
     * record of an unsettled poll.
     */
    private void rewind(@Nullable ConsumerRecords<byte[], byte[]> current) {
        Map<TopicPartition, Long> first = new HashMap<>();
        List<ConsumerRecords<byte[], byte[]>> polls = new ArrayList<>();
        unacknowledged.forEach(answered -> polls.add(answered.records()));
        if (current != null) {
            polls.add(current);
        }
        for (ConsumerRecords<byte[], byte[]> poll : polls) {
            for (TopicPartition partition : poll.partitions()) {
                first.putIfAbsent(partition, poll.records(partition).get(0).offset());
            }
        }
        Set<TopicPartition> assigned = consumer.assignment();
        first.forEach((partition, offset) -> {
            if (assigned.contains(partition)) {
                consumer.seek(partition, offset);
            }
        });
        unacknowledged.clear();
    }

    private static Map<TopicPartition, OffsetAndMetadata> nextOffsets(ConsumerRecords<byte[], byte[]> records) {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (TopicPartition partition : records.partitions()) {
            List<ConsumerRecord<byte[], byte[]>> inPartition = records.records(partition);
            offsets.put(partition, new OffsetAndMetadata(inPartition.get(inPartition.size() - 1).offset() + 1));
        }
        return offsets;
    }

    /** A poll answered; its offsets are committed once the broker has acknowledged every one of its replies. */
    private record Answered(ConsumerRecords<byte[], byte[]> records, List<Sent> replies, long answeredAt) {

        /** Whether the broker answered every reply of the poll, taking it or refusing it. */
        boolean answered() {
            return replies.stream().allMatch(reply -> reply.acknowledged().isDone());
        }

        /** Why a reply of the poll was not taken, if one was refused. */
        Optional<String> failure() {
            for (Sent reply : replies) {
                if (reply.acknowledged().isCompletedExceptionally()) {
                    Throwable cause = reply.acknowledged().handle((ok, error) -> error).join();
                    return Optional.of("reply to command " + reply.reply().commandId() + " not acknowledged: " + cause);
                }
            }
            return Optional.empty();
        }
    }

    /** A reply or dead letter the broker did not acknowledge in time: the intake goes on, it does not stop. */
    static final class NotAcknowledgedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        NotAcknowledgedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A reply handed to the producer, with the broker's answer to come. */
    private record Sent(CommandReply reply, CompletableFuture<?> acknowledged) {}

    /** Answers one record; the reply is on its way (not yet acknowledged), or null where nothing is answered. */
    private @Nullable Sent take(ConsumerRecord<byte[], byte[]> record) throws InterruptedException {
        if (record.key() == null) {
            log.warn("skipping unkeyed record at {}-{}@{}: commands are keyed by host id",
                    record.topic(), record.partition(), record.offset());
            return null;
        }
        if (!Arrays.equals(record.key(), hostKey)) {
            return null;
        }
        AgentCommand command;
        try {
            Envelope<?> envelope = codec.decode(record.topic(), record.headers(), record.value());
            command = (AgentCommand) envelope.payload();
            metrics.recordConsumed(record.topic(), envelope.type().ceType());
        } catch (MalformedRecordException e) {
            deadLetter(record, e);
            return null;
        }
        metrics.commandStage(CommandStage.DELIVERED,
                Duration.ofMillis(System.currentTimeMillis() - record.timestamp()));
        long started = System.nanoTime();
        CommandReply reply = handler.handleInBatch(command);
        metrics.commandStage(CommandStage.EXECUTED, Duration.ofNanos(System.nanoTime() - started));
        // not waited for here: the next command runs while the producer sends, and the poll's offsets are
        // committed once all its replies are acknowledged (still at least once)
        CompletableFuture<?> acknowledged = replies.publish(reply);
        metrics.commandAnswered(reply.commandType(), outcome(reply));
        return new Sent(reply, acknowledged);
    }

    private void deadLetter(ConsumerRecord<byte[], byte[]> record, MalformedRecordException reason)
            throws InterruptedException {
        log.warn("dead-lettering {}-{}@{}: {}", record.topic(), record.partition(), record.offset(), reason.getMessage());
        try {
            Producer<byte[], byte[]> producer = deadLetterProducer;
            if (producer == null) {
                producer = new KafkaProducer<>(deadLetterConfig);
                deadLetterProducer = producer;
            }
            producer.send(DeadLetters.of(record, reason)).get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            metrics.deadLettered(record.topic());
        } catch (ExecutionException | TimeoutException e) {
            throw new NotAcknowledgedException("dead letter of " + record.topic() + "-" + record.partition() + "@"
                    + record.offset() + " not acknowledged: " + e, e);
        }
    }

    private static String outcome(CommandReply reply) {
        if (reply instanceof CommandRejected) {
            return "rejected";
        }
        return reply instanceof CommandFailed ? "failed" : "succeeded";
    }

    /** The command consumer's settings, without TLS (also what the footprint bench's Kafka floor runs). */
    public static Map<String, Object> consumerConfig(String hostId, String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId(hostId));
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "node-agent-" + hostId + "-commands");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 100);
        // The broker answers a fetch as soon as a command arrives, so a long wait costs no latency; it spares
        // an idle host the default's two empty fetch round trips a second.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, FETCH_MAX_WAIT_MS);
        // the group's heartbeat thread wakes every retry backoff (default 100 ms) to see whether a heartbeat
        // is due; 500 ms still retries a failed fetch or commit within half a second
        config.put(ConsumerConfig.RETRY_BACKOFF_MS_CONFIG, 500);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        return config;
    }

    private static Map<String, Object> deadLetterConfig(String hostId, String bootstrapServers) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "node-agent-" + hostId + "-dead-letters");
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        return config;
    }

    /**
     * Whether the intake still reads commands: a broker that is away (replies, dead letters or offsets not
     * acknowledged) is waited out, and an unexpected failure starts it over from the committed offsets; it
     * stops when closed, or when starting over fails too.
     */
    public boolean running() {
        return running && (!started || thread.isAlive());
    }

    @Override
    public void close() {
        running = false;
        closed.countDown();
        if (!started) {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Producer<byte[], byte[]> producer = deadLetterProducer;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        try {
            consumerMetrics.close();
        } catch (Exception e) {
            log.debug("closing the command consumer's metrics: {}", e.toString());
        }
    }
}
