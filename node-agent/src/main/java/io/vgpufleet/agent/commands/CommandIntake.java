package io.vgpufleet.agent.commands;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.metrics.AgentMetrics;
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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
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
 *   <li>Offsets are committed (asynchronously) after the records of a poll are answered and every reply of
 *       the poll is acknowledged by the broker (the replies are sent while the next commands run): at least
 *       once, with repeats answered from the {@link CommandHandler}'s memory of outcomes.
 *   <li>The poll's commands are one batch ({@link CommandHandler#handleInBatch}): the snapshot of what they
 *       changed goes out once, after their replies were handed to the producer, not before each reply.
 *   <li>While the broker is away (a reply or dead letter not acknowledged in time), the poll is read again
 *       from its first record once it is back; the intake never stops for an outage.
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
    private volatile boolean running = true;
    private boolean started;

    /** @param kafkaSecurity TLS settings added to the consumer and the dead-letter producer; empty for plaintext */
    public CommandIntake(String hostId, String bootstrapServers, Map<String, Object> kafkaSecurity, EventCodec codec,
            EventPublisher replies, CommandHandler handler, AgentMetrics metrics) {
        this.hostKey = hostId.getBytes(UTF_8);
        this.codec = codec;
        this.replies = replies;
        this.handler = handler;
        this.metrics = metrics;
        Map<String, Object> consumerConfig = consumerConfig(hostId, bootstrapServers);
        consumerConfig.putAll(kafkaSecurity);
        this.deadLetterConfig = deadLetterConfig(hostId, bootstrapServers);
        this.deadLetterConfig.putAll(kafkaSecurity);
        this.consumer = new KafkaConsumer<>(consumerConfig);
        this.consumerMetrics = metrics.kafkaClient(consumer);
        this.thread = new Thread(this::run, "command-intake");
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
            while (running) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL);
                if (records.isEmpty()) {
                    continue;
                }
                try {
                    answer(records);
                } catch (NotAcknowledgedException e) {
                    // the broker is away: read the poll again from its first record once it is back; the
                    // commands already executed are answered from the outcome journal, not executed twice
                    log.warn("{}; the poll's {} command records are read again", e.getMessage(), records.count());
                    rewind(records);
                    continue;
                }
                // not waited for: the next poll goes out at once (a synchronous commit held every batch for a
                // round trip to the group coordinator); close() waits for commits in flight. A commit that fails
                // only means records delivered again, answered from the outcome journal.
                int answered = records.count();
                consumer.commitAsync((offsets, failure) -> {
                    if (failure != null) {
                        log.warn("offsets of {} answered command records not committed: {}", answered, failure.toString());
                    }
                });
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (InterruptedException | InterruptException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.error("command intake stopped: {}", e.toString(), e);
        } finally {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(5)));
        }
    }

    /** Answers every record of the poll and waits until the broker has acknowledged all their replies. */
    private void answer(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
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
            metrics.commandStage("snapshot", Duration.ofNanos(System.nanoTime() - snapshotStarted));
        }
        long awaitStarted = System.nanoTime();
        for (Sent reply : sent) {
            reply.await();
        }
        if (!sent.isEmpty()) {
            metrics.commandStage("acknowledged", Duration.ofNanos(System.nanoTime() - awaitStarted));
        }
    }

    /** Puts the position of every partition of the poll back to the poll's first record there. */
    private void rewind(ConsumerRecords<byte[], byte[]> records) {
        for (TopicPartition partition : records.partitions()) {
            consumer.seek(partition, records.records(partition).get(0).offset());
        }
    }

    /** A reply or dead letter the broker did not acknowledge in time: the intake goes on, it does not stop. */
    static final class NotAcknowledgedException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        NotAcknowledgedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A reply handed to the producer; the offsets are committed once every reply of the poll is acknowledged. */
    private record Sent(CommandReply reply, CompletableFuture<?> acknowledged) {
        void await() throws InterruptedException {
            try {
                acknowledged.get(SEND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new NotAcknowledgedException("reply to command " + reply.commandId() + " not acknowledged: " + e, e);
            }
        }
    }

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
        metrics.commandStage("delivered", Duration.ofMillis(System.currentTimeMillis() - record.timestamp()));
        long started = System.nanoTime();
        CommandReply reply = handler.handleInBatch(command);
        metrics.commandStage("executed", Duration.ofNanos(System.nanoTime() - started));
        // not waited for here: the next command runs while the producer sends, and the poll's replies are
        // acknowledged together before its offsets are committed (still at least once)
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

    private static Map<String, Object> consumerConfig(String hostId, String bootstrapServers) {
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
     * Whether the intake still reads commands: it stops only when closed or on an unexpected error; a broker
     * that is away (replies, dead letters or offsets not acknowledged) is waited out.
     */
    public boolean running() {
        return running && (!started || thread.isAlive());
    }

    @Override
    public void close() {
        running = false;
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
