package io.vgpufleet.system.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.system.observability.OperatorFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The Kubernetes manifests parse, and every central service has a Deployment probed on actuator's liveness
 * and readiness groups, a Service and a PodDisruptionBudget that select its pods.
 */
class KubernetesManifestsTest {

    private static final List<String> SERVICES =
            List.of("inventory-service", "lifecycle-service", "health-service", "migration-service");

    @Test
    void everyServiceHasADeploymentWithActuatorProbesAServiceAndADisruptionBudget() throws IOException {
        List<Map<?, ?>> documents = documents();
        for (String service : SERVICES) {
            Map<?, ?> deployment = find(documents, "Deployment", service);
            Map<?, ?> spec = map(deployment, "spec");
            List<String> podLabels = pairs(map(map(map(spec, "template"), "metadata"), "labels"));
            assertThat(podLabels).as(service + " pods carry the selector's labels")
                    .containsAll(pairs(map(map(spec, "selector"), "matchLabels")));
            Map<?, ?> container = (Map<?, ?>) ((List<?>) map(map(spec, "template"), "spec").get("containers")).get(0);
            assertThat(map(map(container, "livenessProbe"), "httpGet").get("path")).isEqualTo("/actuator/health/liveness");
            assertThat(map(map(container, "readinessProbe"), "httpGet").get("path")).isEqualTo("/actuator/health/readiness");

            Map<?, ?> selector = map(map(find(documents, "Service", service), "spec"), "selector");
            assertThat(podLabels).as(service + " Service selects its pods").containsAll(pairs(selector));
            Map<?, ?> budget = map(find(documents, "PodDisruptionBudget", service), "spec");
            assertThat(podLabels).as(service + " PDB selects its pods")
                    .containsAll(pairs(map(map(budget, "selector"), "matchLabels")));
            assertThat(budget.containsKey("minAvailable") || budget.containsKey("maxUnavailable")).isTrue();
        }
        assertThat(find(documents, "ConfigMap", "vgpu-fleet-services").get("data").toString())
                .contains("SPRING_KAFKA_BOOTSTRAP_SERVERS");
    }

    private static List<Map<?, ?>> documents() throws IOException {
        List<Map<?, ?>> documents = new ArrayList<>();
        try (Stream<Path> files = Files.list(OperatorFiles.deploy().resolve("k8s"))) {
            for (Path file : files.filter(path -> path.toString().endsWith(".yml")).sorted().toList()) {
                for (Object document : new Yaml(new SafeConstructor(new LoaderOptions())).loadAll(Files.readString(file))) {
                    assertThat(document).as(file + " holds mappings").isInstanceOf(Map.class);
                    Map<?, ?> manifest = (Map<?, ?>) document;
                    assertThat(manifest.get("apiVersion")).as(file + " apiVersion").isNotNull();
                    assertThat(manifest.get("kind")).as(file + " kind").isNotNull();
                    assertThat(map(manifest, "metadata").get("name")).as(file + " metadata.name").isNotNull();
                    documents.add(manifest);
                }
            }
        }
        return documents;
    }

    private static Map<?, ?> find(List<Map<?, ?>> documents, String kind, String name) {
        return documents.stream()
                .filter(document -> kind.equals(document.get("kind")) && name.equals(map(document, "metadata").get("name")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in deploy/k8s"));
    }

    /** A label map as {@code key=value} strings, never empty (an empty selector would select every pod). */
    private static List<String> pairs(Map<?, ?> labels) {
        assertThat(labels).isNotEmpty();
        return labels.entrySet().stream().map(entry -> entry.getKey() + "=" + entry.getValue()).toList();
    }

    private static Map<?, ?> map(Map<?, ?> node, String key) {
        Object value = node.get(key);
        assertThat(value).as(key).isInstanceOf(Map.class);
        return (Map<?, ?>) value;
    }
}
