package io.vgpufleet.system.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ClaimState;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.MigrateVm;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.command.SuspendVm;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.system.ComponentProcess;
import io.vgpufleet.system.Http;
import io.vgpufleet.system.SimulatedHost;
import io.vgpufleet.system.SystemUnderTest;
import io.vgpufleet.system.SystemUnderTest.Service;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

/**
 * Hostile input on every live-consumed topic ({@link FuzzTarget}), against the real services and a
 * simulated host as processes on a real broker. For each topic, {@value #DEFAULT_RECORDS} malformed records
 * by default ({@code -Dvgpu.fuzz.records=10000} for the full run, {@code -Dvgpu.fuzz.seed=N} for another
 * seed), spread over all 12 partitions. Then:
 * <ul>
 *   <li>every dead-letter topic holds each injected record exactly once per consumer that reads it, with a
 *       reason and its original topic and partition, and nothing else (no valid record was dead-lettered);
 *   <li>each component's dead-letter counter rose by exactly what it was sent;
 *   <li>no partition stalls: after the fuzz, a valid record on every partition of every topic is consumed by
 *       every consumer group (committed offsets reach the end), and where the effect is visible it is
 *       checked (a host in inventory's view, a pGPU's health, a claim answered, a command replied to);
 *   <li>no component crashed (processes alive, health UP);
 *   <li>nothing was written outside the agent's sysfs root: hostile commands, malformed and well-formed, leave
 *       the directories around the root and a canary tree beside it as they were.
 * </ul>
 */
class FuzzSystemIT {

    static final int DEFAULT_RECORDS = 40;
    private static final int RECORDS = Integer.getInteger("vgpu.fuzz.records", DEFAULT_RECORDS);
    private static final long SEED = Long.getLong("vgpu.fuzz.seed", 20_260_105L);
    private static final Duration DEADLINE = Duration.ofSeconds(Math.max(120, RECORDS / 20));
    private static final int PARTITIONS = TopicCatalogue.PARTITIONS;

    private final EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:fuzz-it");

    @Test
    void everyMalformedRecordIsDeadLetteredOncePerConsumerAndNothingStallsCrashesOrEscapesTheSysfsRoot()
            throws Exception {
        SystemUnderTest system = SystemUnderTest.get();
        Map<String, ComponentProcess> components = new LinkedHashMap<>();
        for (Service service : Service.values()) {
            components.put(service.module(), system.service(service));
        }
        SimulatedHost host = system.addHost("t4");
        components.put("node-agent-" + host.hostId(), host);
        String run = "fz" + Long.toHexString(System.nanoTime());
        List<FuzzTarget> targets = FuzzTarget.all(host.hostId());

        Path canary = host.sysfsRoot().getParent().resolve("fuzz-canary-" + run);
        Files.createDirectories(canary.resolve("class/mdev_bus"));
        Files.writeString(canary.resolve("marker"), "untouched");
        Files.writeString(canary.resolve("class/mdev_bus/create"), "untouched");
        Map<String, String> treeBefore = surroundings(host.sysfsRoot(), canary, system.runDir());

        Map<String, Map<TopicPartition, Long>> deadLetterStarts = new LinkedHashMap<>();
        for (FuzzTarget target : targets) {
            deadLetterStarts.put(target.topic().name(), TopicReader.endOffsets(system, deadLetterOf(target)));
        }
        Map<String, Double> countersBefore = deadLetterCounters(components, targets);

        HostileRecords hostile = new HostileRecords(SEED, run);
        Map<String, List<ProducerRecord<byte[], byte[]>>> sent = new LinkedHashMap<>();
        // the offset of the last record this test wrote, by partition: every consumer must commit past it
        Map<TopicPartition, Long> lastWritten = new HashMap<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(system)) {
            for (FuzzTarget target : targets) {
                boolean command = target.topic().equals(TopicCatalogue.AGENT_COMMANDS);
                List<ProducerRecord<byte[], byte[]>> records = hostile.make(target, RECORDS,
                        i -> command ? host.hostId() : keyFor(target.topic(), run, i));
                send(producer, records, lastWritten);
                sent.put(target.topic().name(), records);
            }
            // well-formed commands that aim at what is not there; and after the fuzz, valid records on every partition
            sendAll(producer, validAfterFuzz(run, host.hostId()), lastWritten);
        }
        int total = sent.values().stream().mapToInt(List::size).sum();
        assertThat(total).as("malformed records sent").isEqualTo(RECORDS * targets.size());
        System.out.printf("fuzz run %s seed %d: %d malformed records (%s), %d mutations the contract accepted%n",
                run, SEED, total, new TreeMap<>(hostile.made()), hostile.accepted());

        // no partition stalls: every consumer group of every topic reads to the end, past the valid records
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers()))) {
            for (FuzzTarget target : targets) {
                Map<TopicPartition, Long> written = new HashMap<>();
                lastWritten.forEach((partition, offset) -> {
                    if (partition.topic().equals(target.topic().name())) {
                        written.put(partition, offset);
                    }
                });
                assertThat(written).as("partitions of " + target.topic().name() + " written").hasSize(PARTITIONS);
                for (FuzzTarget.Consumer consumer : target.consumers()) {
                    await().atMost(DEADLINE).untilAsserted(() -> assertThat(lagging(admin, consumer, written))
                            .as(consumer.component() + " on " + target.topic().name()).isEmpty());
                }
            }
        }
        assertValidRecordsTookEffect(system, components, run, host.hostId());

        // exactly the injected records, once per consumer, each with its reason
        for (FuzzTarget target : targets) {
            List<ConsumerRecord<byte[], byte[]>> letters =
                    TopicReader.readFrom(system, deadLetterOf(target),
                            deadLetterStarts.get(target.topic().name()), DEADLINE);
            assertDeadLetters(target, sent.get(target.topic().name()), letters, run);
        }
        Map<String, Double> countersAfter = deadLetterCounters(components, targets);
        for (FuzzTarget target : targets) {
            Map<String, Long> expected = target.consumers().stream()
                    .filter(consumer -> !consumer.equals(FuzzTarget.INVENTORY_CLAIMS)) // counts none (see report)
                    .collect(Collectors.groupingBy(FuzzTarget.Consumer::component, Collectors.counting()));
            for (Map.Entry<String, Long> component : expected.entrySet()) {
                String counter = component.getKey() + " " + target.topic().name();
                assertThat(countersAfter.getOrDefault(counter, 0.0) - countersBefore.getOrDefault(counter, 0.0))
                        .as("dead letters counted by " + counter).isEqualTo((double) RECORDS * component.getValue());
            }
        }

        for (ComponentProcess component : components.values()) {
            assertThat(component.isAlive()).as(component + " alive").isTrue();
        }
        for (Service service : Service.values()) {
            Http.Response health = Http.get(system.service(service).url("/actuator/health"));
            assertThat(health.status()).as(service.module() + " " + health.body()).isEqualTo(200);
            assertThat(health.body()).contains("\"status\":\"UP\"");
        }
        assertThat(Http.get(host.url("/healthz")).status()).isEqualTo(200);

        assertThat(surroundings(host.sysfsRoot(), canary, system.runDir()))
                .as("the directories around the sysfs root and the canary tree beside it").isEqualTo(treeBefore);
    }

    // ------------------------------------------------------------------ valid records after the fuzz

    private static String fakeHost(String run, int partition) {
        return keyOnPartition("fuzz-" + run + "-host-", partition);
    }

    private static String fakeGpu(String run, int partition) {
        return keyOnPartition("GPU-" + UUID.nameUUIDFromBytes(run.getBytes(UTF_8)).toString().substring(0, 24), partition);
    }

    /** The first key {@code prefix + n} (GPU UUIDs: padded to 12 hex digits) that the default partitioner puts on the partition. */
    private static String keyOnPartition(String prefix, int partition) {
        for (int n = 0; ; n++) {
            String key = prefix.startsWith("GPU-") ? prefix + String.format("%012x", n) : prefix + n;
            if (partitionOf(key) == partition) {
                return key;
            }
        }
    }

    private static int partitionOf(String key) {
        return Utils.toPositive(Utils.murmur2(key.getBytes(UTF_8))) % PARTITIONS;
    }

    private static String keyFor(Topic topic, String run, int i) {
        return switch (topic.key()) {
            case "host id" -> "fuzz-" + run + "-bad-" + i;
            case "pGPU UUID" -> "GPU-" + UUID.nameUUIDFromBytes((run + i).getBytes(UTF_8));
            default -> "fuzz-" + run + "-" + i;
        };
    }

    private List<ProducerRecord<String, byte[]>> validAfterFuzz(String run, String agentHost) {
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>();
        Instant now = Instant.now();
        // the agent: well-formed commands that ask for what is not on the host, one on each partition
        for (int p = 0; p < PARTITIONS; p++) {
            Object command = switch (p % 4) {
                case 0 -> new RemoveVgpu(commandId(run, p), agentHost, now, now.plusSeconds(120),
                        UUID.randomUUID().toString());
                case 1 -> new CreateVgpu(commandId(run, p), agentHost, now, now.plusSeconds(120), "0000:ff:1f.7",
                        "nvidia-222", UUID.randomUUID().toString(), Map.of());
                case 2 -> new SuspendVm(commandId(run, p), agentHost, now, now.plusSeconds(120), "vm-" + run + "-none");
                default -> new MigrateVm(commandId(run, p), agentHost, now, now.plusSeconds(120), "vm-" + run + "-none",
                        UUID.randomUUID().toString(), "fuzz-" + run + "-nowhere", UUID.randomUUID().toString());
            };
            records.add(onPartition(codec.record(command), p));
        }
        for (int p = 0; p < PARTITIONS; p++) {
            String hostId = fakeHost(run, p);
            String gpu = fakeGpu(run, p);
            records.add(codec.record(FuzzTarget.emptyHost(hostId, gpu, 1)));
            records.add(codec.record(new EccErrorsObserved(hostId, gpu, now, SignalSource.POLL,
                    new EccCounters(0, 0, 0, 0), new EccCounters(0, 0, 0, 0))));
            records.add(codec.record(new GpuHealthChanged(gpu, hostId, GpuHealth.DEGRADED, GpuHealth.HEALTHY,
                    "fuzz-probe", Map.of(), now)));
            records.add(codec.record(new GpuCordonChanged(gpu, hostId, false, "fuzz probe", "operator:fuzz", now)));
            records.add(codec.record(new DrainRequested("drain-" + run + "-" + p, gpu, hostId, GpuHealth.FAILED,
                    "fuzz-probe", "fuzz probe", now)));
            records.add(codec.record(new CommandSucceeded("cmd-" + run + "-reply-" + p, hostId,
                    "vgpu.agent.remove-vgpu.v1", now, Map.of())));
            String claimId = "claim-" + run + "-" + p;
            records.add(codec.record(new ClaimCapacity("cmd-" + run + "-claim-" + p, claimId, hostId, "vm-" + run,
                    "fuzz", 30, List.of(new io.vgpufleet.contracts.claims.ClaimItem(gpu, FuzzTarget.BDF, "nvidia-222",
                            UUID.randomUUID().toString(), 0)), now)));
            records.add(codec.record(new ClaimChanged("claim-" + run + "-probe-" + p, ClaimState.RELEASED, ClaimState.GRANTED,
                    hostId, "vm-" + run, "fuzz", List.of(new io.vgpufleet.contracts.claims.ClaimItem(gpu, FuzzTarget.BDF,
                            "nvidia-222", UUID.randomUUID().toString(), 0)), now, now.plusSeconds(30), now, null, "fuzz probe")));
            records.add(codec.record(new ClaimCommandRefused("cmd-" + run + "-refused-" + p, claimId + "-r", hostId,
                    "vgpu.inventory.claim-capacity.v1",
                    List.of(new ClaimCommandRefused.Reason(null, "NO_CAPACITY", "fuzz probe")), now)));
        }
        return records;
    }

    private static String commandId(String run, int partition) {
        return "cmd-" + run + "-valid-" + partition;
    }

    private static ProducerRecord<String, byte[]> onPartition(ProducerRecord<String, byte[]> record, int partition) {
        return new ProducerRecord<>(record.topic(), partition, record.key(), record.value(), record.headers());
    }

    private void assertValidRecordsTookEffect(SystemUnderTest system, Map<String, ComponentProcess> components,
            String run, String agentHost) throws InterruptedException {
        ComponentProcess inventory = system.service(Service.INVENTORY);
        ComponentProcess health = system.service(Service.HEALTH);
        for (int p = 0; p < PARTITIONS; p++) {
            String hostId = fakeHost(run, p);
            String gpu = fakeGpu(run, p);
            await().atMost(DEADLINE).untilAsserted(() -> {
                Http.Response view = Http.get(inventory.url("/api/v1/hosts/" + hostId));
                assertThat(view.status()).as("inventory's view of " + hostId + ": " + view.body()).isEqualTo(200);
                Http.Response verdict = Http.get(health.url("/api/v1/gpus/" + gpu + "/health"));
                assertThat(verdict.status()).as("health of " + gpu + ": " + verdict.body()).isEqualTo(200);
            });
        }
        // each valid command answered, none carried out (there was nothing to act on); each claim answered
        Set<String> commandIds = new java.util.HashSet<>();
        Set<String> claimIds = new java.util.HashSet<>();
        for (int p = 0; p < PARTITIONS; p++) {
            commandIds.add(commandId(run, p));
            claimIds.add("claim-" + run + "-" + p);
        }
        Map<String, Object> replies = new HashMap<>();
        Set<String> answeredClaims = new java.util.HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = TopicReader.consumer(system)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic topic : List.of(TopicCatalogue.COMMAND_REPLIES, TopicCatalogue.CLAIMS, TopicCatalogue.CLAIM_REFUSALS)) {
                for (int p = 0; p < PARTITIONS; p++) {
                    partitions.add(new TopicPartition(topic.name(), p));
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            await().atMost(DEADLINE).until(() -> {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    Object payload;
                    try {
                        payload = codec.decode(record.topic(), record.headers(), record.value()).payload();
                    } catch (io.vgpufleet.contracts.messaging.MalformedRecordException e) {
                        continue;
                    }
                    if (payload instanceof io.vgpufleet.contracts.command.CommandReply reply
                            && commandIds.contains(reply.commandId())) {
                        replies.put(reply.commandId(), reply);
                    } else if (payload instanceof ClaimChanged change && claimIds.contains(change.claimId())) {
                        answeredClaims.add(change.claimId());
                    } else if (payload instanceof ClaimCommandRefused refused && claimIds.contains(refused.claimId())) {
                        answeredClaims.add(refused.claimId());
                    }
                }
                return replies.keySet().equals(commandIds) && answeredClaims.equals(claimIds);
            });
        }
        assertThat(replies.values()).as("replies of " + agentHost)
                .allMatch(reply -> reply instanceof CommandRejected || reply instanceof CommandFailed);
    }

    // ------------------------------------------------------------------ dead letters

    private static void assertDeadLetters(FuzzTarget target, List<ProducerRecord<byte[], byte[]>> sent,
            List<ConsumerRecord<byte[], byte[]>> letters, String run) {
        String topic = target.topic().name();
        Map<String, ProducerRecord<byte[], byte[]>> byId = new HashMap<>();
        for (ProducerRecord<byte[], byte[]> record : sent) {
            byId.put(header(record.headers().lastHeader(HostileRecords.FUZZ_ID)), record);
        }
        Map<String, Integer> copies = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> letter : letters) {
            String id = header(letter.headers().lastHeader(HostileRecords.FUZZ_ID));
            assertThat(id).as("a dead letter on %s.dlq that was not injected: key %s, reason %s", topic,
                    letter.key() == null ? null : new String(letter.key(), UTF_8),
                    header(letter.headers().lastHeader(DeadLetters.REASON))).isNotNull();
            assertThat(header(letter.headers().lastHeader(HostileRecords.FUZZ_RUN))).isEqualTo(run);
            ProducerRecord<byte[], byte[]> original = byId.get(id);
            assertThat(original).as("dead letter %s was sent to %s", id, topic).isNotNull();
            assertThat(header(letter.headers().lastHeader(DeadLetters.REASON))).as("reason of " + id).isNotBlank();
            assertThat(header(letter.headers().lastHeader(DeadLetters.ORIGINAL_TOPIC))).isEqualTo(topic);
            Header partition = letter.headers().lastHeader(DeadLetters.ORIGINAL_PARTITION);
            assertThat(partition).isNotNull();
            assertThat(ByteBuffer.wrap(partition.value()).getInt()).isEqualTo(original.partition());
            assertThat(letter.partition()).as("a dead letter keeps its partition").isEqualTo(original.partition());
            assertThat(letter.value()).as("value of " + id).isEqualTo(original.value());
            copies.merge(id, 1, Integer::sum);
        }
        Map<String, Integer> missing = new TreeMap<>();
        for (String id : byId.keySet()) {
            int count = copies.getOrDefault(id, 0);
            if (count != target.deadLettersPerRecord()) {
                missing.put(id, count);
            }
        }
        assertThat(missing).as("records on %s not dead-lettered exactly %d times (id -> copies)", topic,
                target.deadLettersPerRecord()).isEmpty();
        assertThat(letters).hasSize(sent.size() * target.deadLettersPerRecord());
    }

    private static String header(Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), UTF_8);
    }

    private static Topic deadLetterOf(FuzzTarget target) {
        return TopicCatalogue.deadLetterOf(target.topic());
    }

    /** Per "component topic": the component's dead-letter counter for the topic, from its Prometheus endpoint. */
    private static Map<String, Double> deadLetterCounters(Map<String, ComponentProcess> components,
            List<FuzzTarget> targets) {
        Map<String, Double> counters = new HashMap<>();
        for (Map.Entry<String, ComponentProcess> component : components.entrySet()) {
            boolean agent = component.getKey().startsWith("node-agent-");
            String metric = agent ? "vgpu_agent_dead_letters_total" : "vgpu_records_dead_lettered_total";
            Http.Response scrape = Http.get(component.getValue().url(agent ? "/metrics" : "/actuator/prometheus"));
            assertThat(scrape.status()).as(component.getKey() + " metrics").isEqualTo(200);
            for (FuzzTarget target : targets) {
                String label = "topic=\"" + target.topic().name() + "\"";
                double sum = scrape.body().lines()
                        .filter(line -> line.startsWith(metric + "{") && line.contains(label))
                        .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                        .sum();
                counters.put(component.getKey() + " " + target.topic().name(), sum);
            }
        }
        return counters;
    }

    // ------------------------------------------------------------------ consumer groups

    /** The partitions where an active group of the consumer has not committed past the offsets in {@code last}. */
    private static Map<String, Long> lagging(Admin admin, FuzzTarget.Consumer consumer,
            Map<TopicPartition, Long> last) throws Exception {
        List<String> groups = admin.listGroups().all().get().stream()
                .map(GroupListing::groupId).filter(consumer::owns).toList();
        Map<String, ConsumerGroupDescription> described = admin.describeConsumerGroups(groups).all().get();
        List<String> active = described.values().stream().filter(group -> !group.members().isEmpty())
                .map(ConsumerGroupDescription::groupId).toList();
        Map<String, Long> lagging = new TreeMap<>();
        boolean readsTopic = false;
        String topic = last.keySet().iterator().next().topic();
        for (String group : active) {
            Map<TopicPartition, OffsetAndMetadata> committed =
                    admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
            if (committed.keySet().stream().noneMatch(partition -> partition.topic().equals(topic))) {
                continue;
            }
            readsTopic = true;
            for (Map.Entry<TopicPartition, Long> written : last.entrySet()) {
                OffsetAndMetadata offset = committed.get(written.getKey());
                long at = offset == null ? 0 : offset.offset();
                if (at <= written.getValue()) {
                    lagging.put(group + " " + written.getKey(), written.getValue() + 1 - at);
                }
            }
        }
        if (!readsTopic) {
            lagging.put("no active group of " + consumer.group() + " has offsets on " + topic, -1L);
        }
        return lagging;
    }

    // ------------------------------------------------------------------ Kafka plumbing

    private static KafkaProducer<byte[], byte[]> producer(SystemUnderTest system) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, system.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<byte[], byte[]>> records,
            Map<TopicPartition, Long> lastWritten) throws Exception {
        List<Future<RecordMetadata>> acks = new ArrayList<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            acks.add(producer.send(record));
        }
        for (Future<RecordMetadata> ack : acks) {
            RecordMetadata written = ack.get();
            lastWritten.merge(new TopicPartition(written.topic(), written.partition()), written.offset(), Math::max);
        }
    }

    private static void sendAll(KafkaProducer<byte[], byte[]> producer, List<ProducerRecord<String, byte[]>> records,
            Map<TopicPartition, Long> lastWritten) throws Exception {
        List<ProducerRecord<byte[], byte[]>> bytes = new ArrayList<>();
        for (ProducerRecord<String, byte[]> record : records) {
            bytes.add(new ProducerRecord<>(record.topic(), record.partition(), record.key().getBytes(UTF_8),
                    record.value(), record.headers()));
        }
        send(producer, bytes, lastWritten);
    }

    // ------------------------------------------------------------------ the file tree

    /**
     * What a write escaping the sysfs root would change: the entries (names, not contents: other hosts' trees
     * and the logs change on their own) of every directory from the root's parent up to the run directory and
     * of the working directory the agent runs in, and the full contents of the canary tree beside the root.
     */
    private static Map<String, String> surroundings(Path root, Path canary, Path runDir) throws IOException {
        Map<String, String> seen = new TreeMap<>();
        Path repo = Path.of(System.getProperty("vgpu.repo", "..")).toAbsolutePath().normalize();
        List<Path> levels = new ArrayList<>();
        for (Path level = root.getParent(); level != null && level.startsWith(runDir); level = level.getParent()) {
            levels.add(level);
        }
        levels.add(runDir.getParent());
        levels.add(repo);
        for (Path level : levels) {
            try (Stream<Path> entries = Files.list(level)) {
                entries.forEach(entry -> seen.put(entry.toString(), "entry"));
            }
        }
        try (Stream<Path> tree = Files.walk(canary)) {
            for (Path path : tree.toList()) {
                seen.put(path.toString(), Files.isRegularFile(path) ? Files.readString(path) : "dir");
            }
        }
        return seen;
    }
}
