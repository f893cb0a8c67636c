package io.vgpufleet.contracts.messaging;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topic catalogue on a cluster, idempotently: missing topics are created with the
 * catalogue's partitions and configs; existing ones get the catalogue's configs. A topic that exists with
 * another partition count is reported, not changed: adding partitions to a keyed topic moves keys
 * between partitions, which is an operator's decision.
 *
 * <p>Every component runs it at start, so any one of them may come up first.
 */
public final class TopicProvisioner {

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private final Admin admin;
    private final short replicationFactor;

    /** @param replicationFactor wanted; lowered to the number of brokers where the cluster is smaller */
    public TopicProvisioner(Admin admin, short replicationFactor) {
        this.admin = admin;
        this.replicationFactor = replicationFactor;
    }

    /** Provisions the whole catalogue and answers what was found and done. */
    public Report provision() throws InterruptedException {
        return provision(TopicCatalogue.all());
    }

    public Report provision(Collection<Topic> topics) throws InterruptedException {
        try {
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            short replicas = (short) Math.max(1, Math.min(replicationFactor, brokers));
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic topic : topics) {
                if (!existing.contains(topic.name())) {
                    Map<String, String> configs = new HashMap<>(topic.configs());
                    if (replicas >= 3) {
                        configs.put("min.insync.replicas", "2");
                    }
                    missing.add(new NewTopic(topic.name(), topic.partitions(), replicas).configs(configs));
                }
            }
            List<String> created = create(missing);
            List<String> mismatched = checkExisting(topics, existing);
            Report report = new Report(created, mismatched);
            log.info("topic catalogue provisioned: {} created, {} present, mismatches: {}",
                    created.size(), topics.size() - created.size(), mismatched);
            return report;
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not provision the topic catalogue: " + e.getMessage(), e);
        }
    }

    private List<String> create(List<NewTopic> missing)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> created = new ArrayList<>();
        if (missing.isEmpty()) {
            return created;
        }
        CreateTopicsResult result = admin.createTopics(missing);
        for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> entry : result.values().entrySet()) {
            try {
                entry.getValue().get(30, TimeUnit.SECONDS);
                created.add(entry.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                // another component created it between our listing and our request: that is the goal
            }
        }
        return created;
    }

    private List<String> checkExisting(Collection<Topic> topics, Set<String> existing)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<Topic> present = topics.stream().filter(t -> existing.contains(t.name())).toList();
        if (present.isEmpty()) {
            return List.of();
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(
                        present.stream().map(Topic::name).toList())
                .allTopicNames()
                .get(30, TimeUnit.SECONDS);
        List<String> mismatched = new ArrayList<>();
        Map<ConfigResource, Collection<AlterConfigOp>> alterations = new HashMap<>();
        for (Topic topic : present) {
            int partitions = descriptions.get(topic.name()).partitions().size();
            if (partitions != topic.partitions()) {
                mismatched.add(topic.name() + " has " + partitions + " partitions, the catalogue says "
                        + topic.partitions());
            }
            alterations.put(
                    new ConfigResource(ConfigResource.Type.TOPIC, topic.name()),
                    topic.configs().entrySet().stream()
                            .map(c -> new AlterConfigOp(new ConfigEntry(c.getKey(), c.getValue()), AlterConfigOp.OpType.SET))
                            .collect(Collectors.toList()));
        }
        admin.incrementalAlterConfigs(alterations).all().get(30, TimeUnit.SECONDS);
        mismatched.forEach(m -> log.warn("topic catalogue mismatch: {}", m));
        return mismatched;
    }

    /**
     * @param created topics this call created
     * @param mismatches topics whose partition count differs from the catalogue
     */
    public record Report(List<String> created, List<String> mismatches) {}
}
