package io.vgpufleet.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.system.observability.ExternalTool;
import io.vgpufleet.system.observability.OperatorFiles;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * {@code docker-compose.yml} as docker-compose reads it ({@code docker-compose config}: no Docker engine
 * needed): valid, and with every part of the control plane in it.
 */
class ComposeConfigTest {

    @Test
    void dockerComposeAcceptsTheFileWithKafkaTopicsServicesAgentsPrometheusAndGrafana() {
        ExternalTool compose = ExternalTool.require("docker-compose", "docker-compose");
        ExternalTool.Result result = compose.run(OperatorFiles.repo(), 120, "-f", "docker-compose.yml", "config");
        assertThat(result.exitCode()).as(result.output()).isZero();

        Map<?, ?> resolved = (Map<?, ?>) new Yaml(new SafeConstructor(new LoaderOptions())).load(result.output());
        Map<?, ?> services = (Map<?, ?>) resolved.get("services");
        List<String> names = services.keySet().stream().map(String::valueOf).toList();
        assertThat(names).contains("kafka", "topics", "inventory-service", "lifecycle-service",
                "health-service", "migration-service", "prometheus", "grafana", "node-agent-1");
        assertThat(names.stream().filter(name -> name.startsWith("node-agent-")).count())
                .as("a simulated fleet").isGreaterThan(1);
        assertThat(((Map<?, ?>) services.get("kafka")).get("image")).isEqualTo("apache/kafka:4.1.2");
        for (String service : new String[] {"inventory-service", "lifecycle-service", "health-service", "migration-service"}) {
            Map<?, ?> build = (Map<?, ?>) ((Map<?, ?>) services.get(service)).get("build");
            assertThat(build.get("dockerfile")).as(service).isEqualTo("deploy/docker/service.Dockerfile");
            assertThat(((Map<?, ?>) build.get("args")).get("MODULE")).as(service).isEqualTo(service);
        }
    }
}
