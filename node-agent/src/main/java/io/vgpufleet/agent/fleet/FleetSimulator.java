package io.vgpufleet.agent.fleet;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.agent.NodeAgent;
import io.vgpufleet.agent.simulator.Fault;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedFaults;
import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.Envelope;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Thousands of simulated hosts in one process, loading the real services through Kafka as that many node
 * agents would: each host has its own directory tree (laid out and answered by the single agent's simulator,
 * {@link FleetHost}), publishes snapshots (first, on change, heartbeat) and health signals (NVML events at
 * the next sweep, counter polls), takes the commands keyed by its host id and answers them, and takes faults.
 *
 * <p>Shared by all hosts: one producer (each host's records carry its own CloudEvents source), one command
 * consumer (group {@code node-agent-fleet-<prefix>}; a record keyed for no host of the fleet is skipped, one
 * keyed for a host that cannot be read is dead-lettered, as the single agent does), and {@code lanes}
 * single-thread executors: a host always runs on the same lane, so its parts are never called concurrently.
 *
 * <pre>{@code
 * try (FleetSimulator fleet = FleetSimulator.start(settings, Clock.systemUTC())) {
 *     fleet.inject("fleet-00001", gpuUuid, new Fault.DoubleBitEcc(1));
 * }
 * }</pre>
 */
public final class FleetSimulator implements AutoCloseable {

    /** Hosts swept per task of a lane: commands queued on the lane run between two chunks. */
    static final int SWEEP_CHUNK = 64;

    /** How the fleet runs: see {@link FleetMain} for the options. */
    public record Settings(int hosts, HostProfile profile, String hostPrefix, Path root, String bootstrapServers,
            long seed, Duration heartbeat, Duration healthPoll, Duration sweep, int lanes, int vgpusPerGpu) {

        public Settings {
            if (hosts < 1 || hosts > 100_000) {
                throw new IllegalArgumentException("--fleet must be 1 to 100000, was " + hosts);
            }
            if (vgpusPerGpu < 0) {
                throw new IllegalArgumentException("--fleet-vgpus-per-gpu must not be negative, was " + vgpusPerGpu);
            }
            if (lanes < 1) {
                throw new IllegalArgumentException("lanes must be positive, was " + lanes);
            }
        }

        String hostId(int n) {
            return String.format("%s-%05d", hostPrefix, n);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(FleetSimulator.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Settings settings;
    private final Clock clock;
    private final Map<String, FleetHost> hosts = new ConcurrentHashMap<>();
    private final Map<String, String> hostOfGpu = new ConcurrentHashMap<>();
    private final Map<String, EventPublisher> publishers = new HashMap<>();
    private final List<List<FleetHost>> lanesHosts = new ArrayList<>();
    private final List<ExecutorService> lanes = new ArrayList<>();
    private final Producer<String, byte[]> producer;
    private final Producer<byte[], byte[]> deadLetters;
    private final KafkaConsumer<byte[], byte[]> commands;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(
            runnable -> daemon(runnable, "fleet-sweeper"));
    private final Thread intake;
    private final EventCodec decoder;
    private volatile boolean running = true;
    private long sweeps;

    /** What the fleet has sent and taken since it started. */
    public record Counters(long snapshots, long signals, long commands, long deadLetters, long sendFailures) {}

    private final AtomicLong snapshotsSent = new AtomicLong();
    private final AtomicLong signalsSent = new AtomicLong();
    private final AtomicLong commandsTaken = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private final AtomicLong sendFailures = new AtomicLong();

    private FleetSimulator(Settings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.decoder = new EventCodec(clock, UUID::randomUUID, "urn:vgpu:agent:" + settings.hostPrefix());
        Map<String, Object> producerSettings = new HashMap<>();
        producerSettings.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 64L * 1024 * 1024);
        producerSettings.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        this.producer = EventPublisher.producer(settings.bootstrapServers(), "node-agent-fleet-" + settings.hostPrefix(),
                producerSettings);
        this.deadLetters = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG, "node-agent-fleet-" + settings.hostPrefix() + "-dead-letters",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, io.vgpufleet.contracts.messaging.Topic.DEAD_LETTER_MAX_MESSAGE_BYTES,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
        this.commands = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "node-agent-fleet-" + settings.hostPrefix(),
                ConsumerConfig.CLIENT_ID_CONFIG, "node-agent-fleet-" + settings.hostPrefix() + "-commands",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        this.intake = new Thread(this::takeCommands, "fleet-commands");
        for (int i = 0; i < settings.lanes(); i++) {
            String name = "fleet-lane-" + i;
            lanes.add(Executors.newSingleThreadExecutor(runnable -> daemon(runnable, name)));
            lanesHosts.add(new ArrayList<>());
        }
    }

    /** Lays out (or reuses) every host's tree, publishes every first snapshot and starts the sweeps and commands. */
    public static FleetSimulator start(Settings settings, Clock clock) throws InterruptedException {
        FleetSimulator fleet = new FleetSimulator(settings, clock);
        try {
            fleet.startParts();
            return fleet;
        } catch (RuntimeException | InterruptedException e) {
            fleet.close();
            throw e;
        }
    }

    private void startParts() throws InterruptedException {
        long started = System.nanoTime();
        for (int n = 1; n <= settings.hosts(); n++) {
            String hostId = settings.hostId(n);
            FleetHost host = new FleetHost(hostId, settings.root().resolve(hostId), settings.profile(),
                    settings.seed() * 1_000_003L + n, clock, NodeAgent.VERSION, settings.vgpusPerGpu());
            hosts.put(hostId, host);
            publishers.put(hostId, new EventPublisher(producer,
                    new EventCodec(clock, UUID::randomUUID, "urn:vgpu:agent:" + hostId)));
            lanesHosts.get((n - 1) % settings.lanes()).add(host);
        }
        log.info("fleet: laid out {} hosts ({}) under {} in {} ms", settings.hosts(), settings.profile().optionName(),
                settings.root(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        // as every agent does: the catalogue exists before the first record (a no-op where it does)
        io.vgpufleet.agent.publishing.TopicSetup.provision(settings.bootstrapServers(),
                "node-agent-fleet-" + settings.hostPrefix() + "-admin", Map.of());
        commands.subscribe(List.of(TopicCatalogue.AGENT_COMMANDS.name()));
        intake.start();
        sweep();
        producer.flush();
        sweeper.scheduleWithFixedDelay(this::sweep, settings.sweep().toMillis(), settings.sweep().toMillis(),
                TimeUnit.MILLISECONDS);
    }

    /**
     * One pass over every host on its lane: NVML events, a counter poll when due, a snapshot when due. A lane's
     * hosts are swept {@link #SWEEP_CHUNK} at a time, each chunk a task of its own, so a command for a host of
     * the lane waits for one chunk, not for the whole pass (at 10,000 hosts on two lanes a pass took longer than
     * the migration service waits for an answer).
     */
    private void sweep() {
        long sweep = sweeps++;
        long pollEvery = Math.max(1, settings.healthPoll().toMillis() / Math.max(1, settings.sweep().toMillis()));
        List<CompletableFuture<?>> done = new ArrayList<>();
        for (int lane = 0; lane < lanes.size(); lane++) {
            List<FleetHost> mine = lanesHosts.get(lane);
            done.add(inChunks(mine.size(), SWEEP_CHUNK, i -> {
                FleetHost host = mine.get(i);
                // stagger the polls so that a poll does not fall on every host in the same sweep
                boolean poll = (sweep + i) % pollEvery == 0;
                try {
                    sweepOne(host, poll);
                } catch (RuntimeException e) {
                    log.error("fleet host {}: sweep failed: {}", host.hostId(), e.toString(), e);
                }
            }, lanes.get(lane)));
        }
        CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).join();
    }

    /**
     * Runs {@code each} for 0 to {@code size - 1} on {@code lane}, {@code chunk} at a time: each chunk is handed
     * to the lane when the one before it is done, so whatever the lane was given meanwhile runs in between.
     */
    static CompletableFuture<Void> inChunks(int size, int chunk, IntConsumer each, Executor lane) {
        CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
        for (int start = 0; start < size; start += chunk) {
            int from = start;
            int to = Math.min(size, start + chunk);
            chain = chain.thenRunAsync(() -> {
                for (int i = from; i < to; i++) {
                    each.accept(i);
                }
            }, lane);
        }
        return chain;
    }

    private void sweepOne(FleetHost host, boolean poll) {
        signal(host, host.healthSignals(poll));
        Optional<HostSnapshot> snapshot = host.snapshotDue(settings.heartbeat());
        snapshot.ifPresent(due -> {
            due.gpus().forEach(gpu -> hostOfGpu.put(gpu.uuid(), host.hostId()));
            publisher(host).publish(due).whenComplete((sent, failure) -> {
                if (failure != null) {
                    sendFailures.incrementAndGet();
                    host.snapshotLost();
                } else {
                    snapshotsSent.incrementAndGet();
                }
            });
        });
    }

    private void signal(FleetHost host, List<HealthSignal> signals) {
        for (HealthSignal signal : signals) {
            publisher(host).publish(signal).whenComplete((sent, failure) -> {
                if (failure != null) {
                    sendFailures.incrementAndGet();
                    host.signalLost(signal.gpuUuid());
                } else {
                    signalsSent.incrementAndGet();
                }
            });
        }
    }

    private EventPublisher publisher(FleetHost host) {
        return publishers.get(host.hostId());
    }

    private void takeCommands() {
        try {
            while (running) {
                ConsumerRecords<byte[], byte[]> records = commands.poll(POLL);
                List<CompletableFuture<?>> handled = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    FleetHost host = record.key() == null ? null : hosts.get(new String(record.key(), UTF_8));
                    if (host == null) {
                        continue;
                    }
                    AgentCommand command;
                    try {
                        Envelope<?> envelope = decoder.decode(record.topic(), record.headers(), record.value());
                        command = (AgentCommand) envelope.payload();
                    } catch (MalformedRecordException e) {
                        try {
                            deadLetters.send(DeadLetters.of(record, e)).get(15, TimeUnit.SECONDS);
                            deadLettered.incrementAndGet();
                        } catch (ExecutionException | TimeoutException notSent) {
                            // the broker is away; the fleet is a load generator: counted, not retried
                            sendFailures.incrementAndGet();
                            log.warn("dead letter of {}-{}@{} not sent: {}", record.topic(), record.partition(),
                                    record.offset(), notSent.toString());
                        }
                        continue;
                    }
                    commandsTaken.incrementAndGet();
                    handled.add(CompletableFuture.runAsync(() -> answer(host, command), laneOf(host)));
                }
                CompletableFuture.allOf(handled.toArray(CompletableFuture[]::new)).join();
                if (!records.isEmpty()) {
                    try {
                        commands.commitSync();
                    } catch (WakeupException | InterruptException e) {
                        throw e;
                    } catch (KafkaException e) {
                        // the broker is away: the records come again and the hosts answer them from their journals
                        log.warn("fleet command offsets not committed: {}", e.toString());
                    }
                }
            }
        } catch (WakeupException e) {
            if (running) {
                log.error("fleet command intake woken while running", e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.error("fleet command intake stopped: {}", e.toString(), e);
        } finally {
            commands.close();
        }
    }

    private void answer(FleetHost host, AgentCommand command) {
        CommandReply reply = host.handle(command);
        try {
            publisher(host).publish(reply).get(15, TimeUnit.SECONDS);
        } catch (Exception e) {
            sendFailures.incrementAndGet();
            log.warn("fleet host {}: reply to {} not sent: {}", host.hostId(), command.commandId(), e.toString());
        }
        // the command may have changed the host: a fresh snapshot goes out now, as the single agent does
        sweepOne(host, false);
    }

    private ExecutorService laneOf(FleetHost host) {
        int n = Integer.parseInt(host.hostId().substring(settings.hostPrefix().length() + 1));
        return lanes.get((n - 1) % lanes.size());
    }

    /**
     * Injects a fault into a pGPU of a host, as {@code POST /sim/gpus/{gpuUuid}/faults} does on one agent. The
     * host's NVML events are then signalled on its lane at once, as an agent's event thread signals them the moment
     * NVML reports them: a fault does not wait for the host's turn in the sweep (at 10,000 hosts a pass is many
     * seconds, which the fleet's signals would otherwise carry and no real host has).
     */
    public SimulatedFaults.Outcome inject(String gpuUuid, Fault fault) {
        String hostId = hostOfGpu.get(gpuUuid);
        if (hostId == null) {
            return new SimulatedFaults.UnknownGpu(gpuUuid);
        }
        FleetHost host = hosts.get(hostId);
        SimulatedFaults.Outcome outcome = host.inject(gpuUuid, fault);
        if (outcome instanceof SimulatedFaults.Applied) {
            laneOf(host).execute(() -> {
                try {
                    signal(host, host.healthSignals(false));
                } catch (RuntimeException e) {
                    log.error("fleet host {}: signalling its NVML events failed: {}", host.hostId(), e.toString(), e);
                }
            });
        }
        return outcome;
    }

    /** Every pGPU of the fleet, by host, as last discovered. */
    public Map<String, List<String>> gpusByHost() {
        Map<String, List<String>> gpus = new java.util.TreeMap<>();
        hosts.forEach((hostId, host) -> gpus.put(hostId, host.gpuUuids()));
        return gpus;
    }

    public Counters counters() {
        return new Counters(snapshotsSent.get(), signalsSent.get(), commandsTaken.get(), deadLettered.get(),
                sendFailures.get());
    }

    public int size() {
        return hosts.size();
    }

    @Override
    public void close() {
        running = false;
        sweeper.shutdownNow();
        commands.wakeup();
        try {
            if (intake.isAlive()) {
                intake.join(10_000);
            }
            sweeper.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lanes.forEach(ExecutorService::shutdownNow);
        producer.close(Duration.ofSeconds(10));
        deadLetters.close(Duration.ofSeconds(10));
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
