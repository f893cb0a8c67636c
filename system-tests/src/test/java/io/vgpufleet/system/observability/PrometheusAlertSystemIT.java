package io.vgpufleet.system.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.sandbox.process.Ports;
import io.vgpufleet.system.ComponentProcess;
import io.vgpufleet.system.Http;
import io.vgpufleet.system.SimulatedHost;
import io.vgpufleet.system.SystemUnderTest;
import io.vgpufleet.system.SystemUnderTest.Service;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A real Prometheus (the Debian package's binary) scrapes the running components and evaluates the
 * project's alert rules ({@code deploy/prometheus/rules}, with every {@code for:} set to 0 s and a 1 s
 * evaluation interval, so the test need not wait out production hold times); an injected fault makes the
 * pGPU-failed alert fire for that pGPU, and a killed agent makes the agent-down alert fire.
 */
class PrometheusAlertSystemIT {

    private static final Pattern HOLD = Pattern.compile("(?m)^(\\s+for:)\\s*\\S+\\s*$");

    @Test
    void theRulesFireOnAnInjectedFaultAndOnALostAgent() throws Exception {
        ExternalTool prometheusBinary = ExternalTool.require("prometheus", "prometheus");
        SystemUnderTest system = SystemUnderTest.get();
        ComponentProcess inventory = system.service(Service.INVENTORY);
        ComponentProcess health = system.service(Service.HEALTH);
        SimulatedHost host = system.addHost("t4");
        FleetDriver driver = new FleetDriver(system.bootstrapServers(), inventory);
        String gpu = driver.awaitHost(host).path("gpus").get(0).path("uuid").asString();

        Path dir = Files.createDirectories(system.runDir().resolve("prometheus-" + host.hostId()));
        writeConfig(dir, List.of(inventory, health), host);
        int port = Ports.anyFree();
        Process prometheus = new ProcessBuilder(prometheusBinary.binary().toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("prometheus.log").toFile())
                .start();
        URI api = URI.create("http://127.0.0.1:" + port);
        try {
            await().atMost(FleetDriver.DEADLINE).ignoreExceptions().untilAsserted(() -> {
                assertThat(prometheus.isAlive()).as("prometheus runs (see " + dir.resolve("prometheus.log") + ")").isTrue();
                JsonNode targets = get(api, "/api/v1/targets").path("data").path("activeTargets");
                assertThat(targets.size()).isEqualTo(3);
                for (JsonNode target : targets) {
                    assertThat(target.path("health").asString()).as(target.toString()).isEqualTo("up");
                }
            });
            assertThat(alerts(api, "VgpuPgpuFailed", "UUID", gpu)).as("no alert before the fault").isEmpty();

            driver.failGpu(host, gpu);

            await().atMost(FleetDriver.DEADLINE).untilAsserted(() ->
                    assertThat(alerts(api, "VgpuPgpuFailed", "UUID", gpu)).singleElement()
                            .satisfies(alert -> {
                                assertThat(alert.path("state").asString()).isEqualTo("firing");
                                assertThat(alert.path("labels").path("Hostname").asString()).isEqualTo(host.hostId());
                                assertThat(alert.path("labels").path("severity").asString()).isEqualTo("critical");
                            }));

            String agentTarget = host.baseUrl().getAuthority();
            assertThat(alerts(api, "VgpuAgentDown", "instance", agentTarget)).isEmpty();
            host.kill();
            await().atMost(FleetDriver.DEADLINE).untilAsserted(() ->
                    assertThat(alerts(api, "VgpuAgentDown", "instance", agentTarget)).singleElement()
                            .satisfies(alert -> assertThat(alert.path("state").asString()).isEqualTo("firing")));
        } finally {
            prometheus.destroy();
            if (!prometheus.waitFor(20, TimeUnit.SECONDS)) {
                prometheus.destroyForcibly();
            }
        }
    }

    /** The project's rules with no hold time, and the running components as the project's two jobs. */
    private static void writeConfig(Path dir, List<ComponentProcess> services, SimulatedHost agent) throws IOException {
        Path rules = Files.createDirectories(dir.resolve("rules"));
        for (Path file : OperatorFiles.ruleFiles()) {
            Files.writeString(rules.resolve(file.getFileName()), HOLD.matcher(OperatorFiles.read(file)).replaceAll("$1 0s"));
        }
        List<String> serviceTargets = new ArrayList<>();
        services.forEach(service -> serviceTargets.add("'" + service.baseUrl().getAuthority() + "'"));
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files:
                  - rules/*.rules.yml
                scrape_configs:
                  - job_name: vgpu-services
                    metrics_path: /actuator/prometheus
                    static_configs:
                      - targets: [%s]
                  - job_name: vgpu-node-agent
                    metrics_path: /metrics
                    static_configs:
                      - targets: ['%s']
                """.formatted(String.join(", ", serviceTargets), agent.baseUrl().getAuthority()));
    }

    /** The active alerts of that name whose label has that value. */
    private static List<JsonNode> alerts(URI api, String name, String label, String value) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode alert : get(api, "/api/v1/alerts").path("data").path("alerts")) {
            JsonNode labels = alert.path("labels");
            if (name.equals(labels.path("alertname").asString()) && value.equals(labels.path(label).asString())) {
                found.add(alert);
            }
        }
        return found;
    }

    private static JsonNode get(URI api, String path) {
        Http.Response response = Http.get(api.resolve(path));
        assertThat(response.status()).as(path + ": " + response.body()).isEqualTo(200);
        return EventCodec.json().readTree(response.body());
    }
}
