package io.vgpufleet.system.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.system.ComponentProcess;
import io.vgpufleet.system.Http;
import io.vgpufleet.system.SimulatedHost;
import io.vgpufleet.system.SystemUnderTest;
import io.vgpufleet.system.SystemUnderTest.Service;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every metric name a Grafana dashboard or a Prometheus alert rule of {@code deploy/} uses is exported by
 * the running components: the four services and a node agent on a simulated host, scraped as Prometheus
 * scrapes them, after the fleet did what makes the per-event series appear (a vGPU created, a pGPU failed,
 * an unreadable record dead-lettered, a placement asked for).
 */
class ExportedMetricNamesSystemIT {

    /** Series Prometheus makes itself for every target. */
    private static final Set<String> MADE_BY_PROMETHEUS = Set.of("up");

    /**
     * Names the rules and dashboards use that components being built in parallel are to export (issue and
     * service named): listed, so that nothing else can be missing unnoticed. Remove a name once its service
     * exports it; the test then checks it like any other.
     */
    private static final Map<String, String> AWAITED = Map.of(); // none awaited: every used name is checked

    @Test
    void everyMetricNameOfTheDashboardsAndAlertRulesIsExportedByTheRunningComponents() throws Exception {
        Map<String, Set<String>> used = OperatorFiles.usedNames();
        assertThat(used).as("names used by deploy/ rules and dashboards").hasSizeGreaterThan(20);
        assertThat(used.keySet()).as("awaited names are still used").containsAll(AWAITED.keySet());

        SystemUnderTest system = SystemUnderTest.get();
        Map<String, ComponentProcess> services = new LinkedHashMap<>();
        for (Service service : Service.values()) {
            services.put(service.module(), system.service(service));
        }
        SimulatedHost host = system.addHost("p4");
        FleetDriver driver = new FleetDriver(system.bootstrapServers(), services.get("inventory-service"));
        JsonNode seen = driver.awaitHost(host);
        JsonNode first = seen.path("gpus").get(0);
        JsonNode second = seen.path("gpus").get(seen.path("gpus").size() - 1);
        driver.createVgpu(host.hostId(), first);
        driver.failGpu(host, second.path("uuid").asString());
        driver.sendUnreadableSnapshot();
        driver.place(first.path("types").get(0).path("typeId").asString());

        Map<String, Set<String>> missing = new TreeMap<>();
        await().atMost(FleetDriver.DEADLINE).untilAsserted(() -> {
            Set<String> exported = new TreeSet<>(MADE_BY_PROMETHEUS);
            services.values().forEach(service -> exported.addAll(scrape(service, "/actuator/prometheus")));
            exported.addAll(scrape(host, "/metrics"));
            missing.clear();
            used.forEach((name, files) -> {
                if (!exported.contains(name) && !AWAITED.containsKey(name)) {
                    missing.put(name, files);
                }
            });
            assertThat(missing).as("metric names used in deploy/ but exported by no running component").isEmpty();
        });
    }

    private static Set<String> scrape(ComponentProcess component, String path) {
        Http.Response response = Http.get(component.url(path));
        assertThat(response.status()).as(component.name() + path).isEqualTo(200);
        return MetricNames.inScrape(response.body());
    }
}
