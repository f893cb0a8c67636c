package io.vgpufleet.contracts.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.messaging.Topic.CleanupPolicy;
import io.vgpufleet.testing.KafkaBroker;
import io.vgpufleet.testing.RealKafka;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Provisioning against a real broker. The broker is shared by every class of the test JVM, so each
 * assertion is about the end state, true whether or not another test created the topics first; the
 * cases that need a topic in a particular shape use test-only topics of their own.
 */
@RealKafka
class TopicProvisionerIT {

    private Admin admin;
    private TopicProvisioner provisioner;

    @BeforeEach
    void connect(KafkaBroker broker) {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
        provisioner = new TopicProvisioner(admin, (short) 3);
    }

    @AfterEach
    void close() {
        admin.close(Duration.ofSeconds(10));
    }

    @Test
    void createsEveryCatalogueTopicWithItsPartitionsAndConfigs() throws Exception {
        TopicProvisioner.Report report = provisioner.provision();

        assertThat(report.mismatches()).isEmpty();
        assertThat(TopicCatalogue.all()).extracting(Topic::name).containsAll(report.created());
        awaitListed(TopicCatalogue.all());
        assertHasTheCatalogueShape(TopicCatalogue.all());
    }

    @Test
    void provisioningAgainCreatesNothingAndFindsNoMismatch() throws Exception {
        provisioner.provision();
        awaitListed(TopicCatalogue.all());

        TopicProvisioner.Report again = provisioner.provision();

        assertThat(again.created()).isEmpty();
        assertThat(again.mismatches()).isEmpty();
        assertHasTheCatalogueShape(TopicCatalogue.all());
    }

    @Test
    void reportsATopicWithAnotherPartitionCountAndLeavesItsPartitionsAlone() throws Exception {
        Topic wanted = new Topic("vgpu.test.mismatch.v1", "test key", 3, CleanupPolicy.DELETE, Duration.ofHours(1));
        createBehindTheProvisionersBack(new NewTopic(wanted.name(), 2, (short) 1));

        TopicProvisioner.Report report = provisioner.provision(List.of(wanted));

        assertThat(report.created()).isEmpty();
        assertThat(report.mismatches()).containsExactly("vgpu.test.mismatch.v1 has 2 partitions, the catalogue says 3");
        assertThat(describe(List.of(wanted)).get(wanted.name()).partitions()).hasSize(2);
    }

    @Test
    void bringsTheConfigsOfAnExistingTopicBackToTheCatalogue() throws Exception {
        Topic wanted = new Topic("vgpu.test.drifted.v1", "test key", 2, CleanupPolicy.COMPACT, null);
        createBehindTheProvisionersBack(new NewTopic(wanted.name(), 2, (short) 1)
                .configs(Map.of("cleanup.policy", "delete", "retention.ms", "60000")));

        TopicProvisioner.Report report = provisioner.provision(List.of(wanted));

        assertThat(report.created()).isEmpty();
        assertThat(report.mismatches()).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(configs(List.of(wanted)).get(wanted.name()).get("cleanup.policy").value()).isEqualTo("compact"));
    }

    /** Config changes reach the brokers' view a moment after the controller commits them, hence the deadline. */
    private void assertHasTheCatalogueShape(Collection<Topic> topics) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertShape(topics));
    }

    private void assertShape(Collection<Topic> topics) throws Exception {
        Map<String, TopicDescription> descriptions = describe(topics);
        Map<String, Config> configs = configs(topics);
        for (Topic topic : topics) {
            assertThat(descriptions.get(topic.name()).partitions()).as("partitions of %s", topic).hasSize(topic.partitions());
            Config config = configs.get(topic.name());
            assertThat(config.get("cleanup.policy").value()).as("cleanup.policy of %s", topic)
                    .isEqualTo(topic.cleanupPolicy().config());
            if (topic.retention() != null) {
                assertThat(config.get("retention.ms").value()).as("retention.ms of %s", topic)
                        .isEqualTo(Long.toString(topic.retention().toMillis()));
            }
        }
    }

    /** Creates a topic as an operator (or an older release) would have, and waits until brokers list it. */
    private void createBehindTheProvisionersBack(NewTopic topic) throws Exception {
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> admin.listTopics().names().get().contains(topic.name()));
    }

    private void awaitListed(Collection<Topic> topics) {
        List<String> names = topics.stream().map(Topic::name).toList();
        await().atMost(Duration.ofSeconds(30)).until(() -> admin.listTopics().names().get().containsAll(names));
    }

    private Map<String, TopicDescription> describe(Collection<Topic> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        return admin.describeTopics(topics.stream().map(Topic::name).toList())
                .allTopicNames()
                .get(30, TimeUnit.SECONDS);
    }

    private Map<String, Config> configs(Collection<Topic> topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<ConfigResource> resources = topics.stream()
                .map(topic -> new ConfigResource(ConfigResource.Type.TOPIC, topic.name()))
                .toList();
        return admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS).entrySet().stream()
                .collect(Collectors.toMap(entry -> entry.getKey().name(), Map.Entry::getValue));
    }
}
