package io.vgpufleet.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.system.SystemUnderTest.Service;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The fleet view survives crashes on both sides: inventory-service killed with SIGKILL rebuilds the
 * same hosts and pGPUs from Kafka at its next start, and a node agent killed with SIGKILL comes back on
 * the same tree and is seen again, with nothing lost and nothing doubled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FleetViewSystemIT {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private ComponentProcess inventory;
    private SimulatedHost p4;
    private SimulatedHost h100;

    @BeforeAll
    void startInventoryAndTwoHosts() throws InterruptedException {
        SystemUnderTest system = SystemUnderTest.get();
        inventory = system.service(Service.INVENTORY);
        p4 = system.addHost("p4");
        h100 = system.addHost("h100");
    }

    @Test
    void inventoryKilledWithSigkillRebuildsTheSameFleetViewAtItsNextStart() throws InterruptedException {
        List<String> p4Gpus = awaitGpusOf(p4.hostId());
        List<String> h100Gpus = awaitGpusOf(h100.hostId());
        assertThat(p4Gpus).isNotEmpty();
        assertThat(h100Gpus).isNotEmpty().doesNotContainAnyElementsOf(p4Gpus);

        inventory.kill();
        assertThat(inventory.isAlive()).isFalse();
        inventory.restart();

        assertThat(awaitGpusOf(p4.hostId())).isEqualTo(p4Gpus);
        assertThat(awaitGpusOf(h100.hostId())).isEqualTo(h100Gpus);
        JsonNode gpu = json(Http.get(inventory.url("/api/v1/gpus/" + h100Gpus.get(0))));
        assertThat(gpu.path("hostId").asString()).isEqualTo(h100.hostId());
    }

    @Test
    void anAgentKilledWithSigkillComesBackOnTheSameTreeWithTheSameGpus() throws InterruptedException {
        List<String> before = awaitGpusOf(p4.hostId());
        Instant seenBefore = lastSeenAt(p4.hostId());

        p4.kill();
        p4.restart();

        await().atMost(DEADLINE).untilAsserted(() -> assertThat(lastSeenAt(p4.hostId())).isAfter(seenBefore));
        assertThat(awaitGpusOf(p4.hostId())).isEqualTo(before);
    }

    private Instant lastSeenAt(String hostId) {
        return Instant.parse(json(Http.get(inventory.url("/api/v1/hosts/" + hostId))).path("lastSeenAt").asString());
    }

    private List<String> awaitGpusOf(String hostId) {
        List<String> uuids = new ArrayList<>();
        await().atMost(DEADLINE).untilAsserted(() -> {
            Http.Response response = Http.get(inventory.url("/api/v1/hosts/" + hostId));
            assertThat(response.status()).as(response.body()).isEqualTo(200);
            uuids.clear();
            json(response).path("gpus").forEach(gpu -> uuids.add(gpu.path("uuid").asString()));
            assertThat(uuids).isNotEmpty();
        });
        return List.copyOf(uuids);
    }

    private static JsonNode json(Http.Response response) {
        assertThat(response.status()).as(response.body()).isBetween(200, 299);
        return EventCodec.json().readTree(response.body());
    }
}
