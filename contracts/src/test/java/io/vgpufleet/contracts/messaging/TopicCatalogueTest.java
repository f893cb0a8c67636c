package io.vgpufleet.contracts.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.vgpufleet.contracts.messaging.Topic.CleanupPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The catalogue is the one list of topics; its rules are what every component assumes. */
class TopicCatalogueTest {

    @Test
    void everyTopicIsNamedByContextStreamAndVersion() {
        assertThat(TopicCatalogue.all())
                .extracting(Topic::name)
                .allMatch(name -> name.matches("vgpu\\.[a-z]+\\.[a-z-]+\\.v[0-9]+(\\.dlq)?"));
        assertThat(TopicCatalogue.streams())
                .extracting(Topic::name)
                .allMatch(name -> name.matches("vgpu\\.[a-z]+\\.[a-z-]+\\.v[0-9]+"));
    }

    @Test
    void everyStreamHasADeadLetterTwinWithTheSamePartitionsAndKey() {
        Map<String, Topic> byName = TopicCatalogue.all().stream().collect(Collectors.toMap(Topic::name, Function.identity()));
        for (Topic stream : TopicCatalogue.streams()) {
            Topic twin = byName.get(stream.name() + ".dlq");

            assertThat(twin).as("dead-letter twin of %s", stream).isNotNull();
            assertThat(twin.partitions()).isEqualTo(stream.partitions());
            assertThat(twin.key()).isEqualTo(stream.key());
            assertThat(twin.cleanupPolicy()).isEqualTo(CleanupPolicy.DELETE);
            assertThat(twin.retention()).isEqualTo(Duration.ofDays(14));
            assertThat(TopicCatalogue.deadLetterOf(stream)).isEqualTo(twin);
        }
    }

    @Test
    void allIsTheStreamsAndTheirTwinsAndNothingElse() {
        assertThat(TopicCatalogue.all())
                .hasSize(2 * TopicCatalogue.streams().size())
                .doesNotHaveDuplicates()
                .containsAll(TopicCatalogue.streams())
                .filteredOn(Topic::isDeadLetter)
                .hasSize(TopicCatalogue.streams().size());
    }

    @Test
    void everyTypeTravelsOnACatalogueStream() {
        assertThat(EventTypes.all()).extracting(EventType::topic).allMatch(TopicCatalogue.streams()::contains);
    }

    @Test
    void everyStreamCarriesSomeType() {
        for (Topic stream : TopicCatalogue.streams()) {
            assertThat(EventTypes.on(stream)).as("types on %s", stream).isNotEmpty();
        }
    }

    @Test
    void noTwoTypesShareACeTypeOrAClass() {
        assertThat(EventTypes.all()).extracting(EventType::ceType).doesNotHaveDuplicates();
        assertThat(EventTypes.all()).extracting(EventType::javaType).doesNotHaveDuplicates();
        for (EventType<?> type : EventTypes.all()) {
            assertThat(EventTypes.byCeType(type.ceType())).contains(type);
            assertThat(EventTypes.of(type.javaType())).isSameAs(type);
        }
    }

    @Test
    void compactedTopicsAreExactlyTheLatestPerKeyStreams() {
        assertThat(TopicCatalogue.all())
                .filteredOn(topic -> topic.cleanupPolicy() == CleanupPolicy.COMPACT)
                .containsExactlyInAnyOrder(TopicCatalogue.HOST_SNAPSHOTS, TopicCatalogue.GPU_HEALTH, TopicCatalogue.GPU_CORDONS,
                        TopicCatalogue.CLAIMS,
                        TopicCatalogue.VGPU_REQUESTS,
                        TopicCatalogue.MIGRATION_SAGAS, TopicCatalogue.MIGRATION_DRAINS);
    }

    @Test
    void compactedTopicsKeepNoRetentionAndDeleteTopicsNameOne() {
        for (Topic topic : TopicCatalogue.all()) {
            Map<String, String> configs = topic.configs();
            assertThat(configs).containsEntry("cleanup.policy", topic.cleanupPolicy().config());
            if (topic.cleanupPolicy() == CleanupPolicy.COMPACT) {
                assertThat(configs).as(topic.name()).doesNotContainKey("retention.ms");
            } else {
                assertThat(configs).as(topic.name()).containsEntry("retention.ms", Long.toString(topic.retention().toMillis()));
            }
        }
    }

    @Test
    void aDeadLetterTopicTakesARecordJustUnderTheDefaultLimitWithItsReasonAddedAndNoOtherTopicChangesTheLimit() {
        for (Topic topic : TopicCatalogue.all()) {
            if (topic.isDeadLetter()) {
                assertThat(Integer.parseInt(topic.configs().get("max.message.bytes"))).as(topic.name())
                        .isEqualTo(Topic.DEAD_LETTER_MAX_MESSAGE_BYTES).isGreaterThan(1_048_588 + 16 * 1024);
            } else {
                assertThat(topic.configs()).as(topic.name()).doesNotContainKey("max.message.bytes");
            }
        }
    }

    @Test
    void byNameFindsEveryTopicAndNothingElse() {
        for (Topic topic : TopicCatalogue.all()) {
            assertThat(TopicCatalogue.byName(topic.name())).contains(topic);
        }
        assertThat(TopicCatalogue.byName("vgpu.agent.host-snapshots.v2")).isEmpty();
    }

    @Test
    void topicsRefuseNamesOutsideTheRuleAndInconsistentRetention() {
        for (String name : List.of("orders", "vgpu.agent.host-snapshots", "vgpu.Agent.snapshots.v1", "vgpu.agent.x.v1.dlq.dlq",
                "vgpu.agent/../x.v1")) {
            assertThatIllegalArgumentException()
                    .isThrownBy(() -> new Topic(name, "host id", 1, CleanupPolicy.COMPACT, null))
                    .withMessageContaining("is not named vgpu.<context>.<stream>.v<N>");
        }
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Topic("vgpu.test.x.v1", "k", 0, CleanupPolicy.COMPACT, null))
                .withMessage("topic vgpu.test.x.v1 needs at least one partition");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Topic("vgpu.test.x.v1", "k", 1, CleanupPolicy.DELETE, null))
                .withMessageContaining("a delete topic has a retention");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new Topic("vgpu.test.x.v1", "k", 1, CleanupPolicy.COMPACT, Duration.ofDays(1)))
                .withMessageContaining("a compacted one none");
    }

    @Test
    void ceTypesAreStableNamesNotJavaClassNames() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new EventType<>("io.vgpufleet.contracts.host.HostSnapshot",
                        String.class, TopicCatalogue.HOST_SNAPSHOTS, Function.identity()))
                .withMessageContaining("is not vgpu.<context>.<name>.v<N>");
    }
}
