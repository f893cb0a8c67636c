package io.vgpufleet.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.system.observability.OperatorFiles;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** docker-compose's topic script creates exactly the contracts' catalogue: names, partitions and configs. */
class TopicScriptTest {

    @Test
    void theScriptListsEveryTopicOfTheCatalogueWithItsPartitionsAndConfigs() {
        String script = OperatorFiles.read(OperatorFiles.deploy().resolve("kafka/create-topics.sh"));
        String table = script.substring(script.indexOf("<<'TOPICS'\n") + "<<'TOPICS'\n".length(),
                script.indexOf("\nTOPICS\n"));
        Map<String, String> scripted = new TreeMap<>();
        table.lines().forEach(line -> {
            String[] fields = line.trim().split("\\s+");
            assertThat(fields).as(line).hasSize(3);
            String configs = Arrays.stream(fields[2].split(",")).sorted().collect(Collectors.joining(","));
            scripted.put(fields[0], fields[1] + " " + configs);
        });
        Map<String, String> catalogue = new TreeMap<>();
        for (Topic topic : TopicCatalogue.all()) {
            String configs = topic.configs().entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue())
                    .sorted().collect(Collectors.joining(","));
            catalogue.put(topic.name(), topic.partitions() + " " + configs);
        }
        assertThat(scripted).isEqualTo(catalogue);
    }
}
