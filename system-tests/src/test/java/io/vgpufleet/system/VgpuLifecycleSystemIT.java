package io.vgpufleet.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.system.SystemUnderTest.Service;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * vGPUs from request to a running VM across real processes: the lifecycle-service claims from the
 * inventory-service, the node agents create the devices in their simulated trees, the test plays the
 * operator who starts each VM with the domain's vGPUs ({@code POST /sim/vms}), and the snapshots take
 * every request to RUNNING. Then the same with the lifecycle-service killed with SIGKILL while creations
 * are in flight: after its restart every request ends RUNNING or FAILED, the claims of the failed ones are
 * released and no host holds a device that no live request owns.
 *
 * <p>Needs the inventory's claims API ({@code POST /api/v1/claims}); against an inventory without it the
 * tests are skipped (reported as such), never passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VgpuLifecycleSystemIT {

    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final Set<String> SETTLED = Set.of("CREATED", "ATTACHED", "RUNNING", "FAILED");

    private ComponentProcess inventory;
    private ComponentProcess lifecycle;
    private SimulatedHost t4;
    private SimulatedHost a100x8;

    @BeforeAll
    void startServicesAndHosts() throws InterruptedException {
        SystemUnderTest system = SystemUnderTest.get();
        // the defaults keep the claims' Kafka Streams state in this run's directory; other arguments here would
        // restart the inventory the other system tests share
        inventory = system.service(Service.INVENTORY);
        Http.Response probe = Http.post(inventory.url("/api/v1/claims"), "{}");
        assumeTrue(probe.status() != 404 && probe.status() != 405,
                "the inventory-service has no claims API yet (POST /api/v1/claims answered " + probe.status() + ")");
        lifecycle = system.service(Service.LIFECYCLE, List.of(
                "--vgpu.lifecycle.inventory-url=" + inventory.baseUrl(),
                "--vgpu.lifecycle.command-timeout=15s",
                "--vgpu.lifecycle.claim-retry-delay=1s"));
        t4 = system.addHost("t4");
        a100x8 = system.addHost("a100x8");
    }

    @Test
    void twentyVgpusOfSingleAndMultiVgpuVmsAllEndRunningAndTheTreesHoldExactlyThem() throws InterruptedException {
        String t4Type = awaitType(t4.hostId(), "T4-2Q");
        String a100Type = awaitType(a100x8.hostId(), "A100-40C");
        Map<String, SimulatedHost> hostOf = new LinkedHashMap<>();
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            bodies.add("{\"vmId\":\"sys-vm-" + i + "\",\"typeId\":\"" + t4Type + "\",\"hostAffinity\":[\"" + t4.hostId()
                    + "\"],\"params\":{\"frame_rate_limiter\":\"0\"},\"console\":" + (i % 4 == 0)
                    + ",\"clientRequestId\":\"sys-order-" + i + "\"}");
        }
        // each two-vGPU VM names its pair of pGPUs: four claims racing for the same pair is the inventory's
        // contention test, not this one's
        List<String> a100Gpus = awaitGpus(a100x8.hostId());
        for (int i = 0; i < 4; i++) {
            bodies.add("{\"vmId\":\"sys-train-" + i + "\",\"typeId\":\"" + a100Type + "\",\"count\":2,\"hostAffinity\":[\""
                    + a100x8.hostId() + "\"],\"gpuAffinity\":[\"" + a100Gpus.get(2 * i) + "\",\"" + a100Gpus.get(2 * i + 1)
                    + "\"],\"clientRequestId\":\"sys-train-order-" + i + "\"}");
        }
        for (String body : bodies) {
            JsonNode created = json(Http.post(lifecycle.url("/api/v1/vgpus"), body), 202);
            hostOf.put(created.path("id").asString(), body.contains(t4Type) ? t4 : a100x8);
        }

        Map<String, JsonNode> settled = awaitSettled(hostOf.keySet());
        assertThat(settled.values()).allSatisfy(request ->
                assertThat(request.path("state").asString()).as(request.toString()).isNotEqualTo("FAILED"));
        startVms(settled, hostOf);
        Map<String, JsonNode> running = awaitAll(hostOf.keySet(), Set.of("RUNNING"));

        Set<String> t4Devices = new HashSet<>();
        Set<String> a100Devices = new HashSet<>();
        running.forEach((id, request) -> (hostOf.get(id) == t4 ? t4Devices : a100Devices).addAll(vgpuUuids(request)));
        assertThat(t4Devices.size() + a100Devices.size()).isEqualTo(20);
        assertThat(mdevs(t4)).containsExactlyInAnyOrderElementsOf(t4Devices);
        assertThat(mdevs(a100x8)).containsExactlyInAnyOrderElementsOf(a100Devices);
        JsonNode multi = running.values().stream().filter(request -> vgpuUuids(request).size() == 2).findFirst().orElseThrow();
        assertThat(multi.path("vgpus").get(0).path("gpuUuid").asString())
                .isNotEqualTo(multi.path("vgpus").get(1).path("gpuUuid").asString());

        // a retried request with the same client request id creates nothing more
        String firstId = hostOf.keySet().iterator().next();
        JsonNode retried = json(Http.post(lifecycle.url("/api/v1/vgpus"), bodies.get(0)), 200);
        assertThat(retried.path("id").asString()).isEqualTo(firstId);
        assertThat(mdevs(t4)).containsExactlyInAnyOrderElementsOf(t4Devices);

        Http.Response xml = Http.get(lifecycle.url("/api/v1/vgpus/" + firstId + "/domain-xml"));
        assertThat(xml.status()).isEqualTo(200);
        assertThat(xml.body()).contains("display='on'").contains(vgpuUuids(running.get(firstId)).get(0));
    }

    @Test
    void lifecycleKilledWithSigkillWhileCreatingResumesEveryRequestToRunningOrFailedLeavingNoOrphan()
            throws InterruptedException {
        SimulatedHost host = SystemUnderTest.get().addHost("t4");
        String type = awaitType(host.hostId(), "T4-4Q");
        Map<String, SimulatedHost> hostOf = new LinkedHashMap<>();
        for (int i = 0; i < 8; i++) {
            String body = "{\"vmId\":\"crash-vm-" + i + "\",\"typeId\":\"" + type + "\",\"hostAffinity\":[\"" + host.hostId()
                    + "\"],\"clientRequestId\":\"crash-order-" + i + "\"}";
            hostOf.put(json(Http.post(lifecycle.url("/api/v1/vgpus"), body), 202).path("id").asString(), host);
        }

        lifecycle.kill();
        assertThat(lifecycle.isAlive()).isFalse();
        lifecycle.restart();

        Map<String, JsonNode> settled = awaitSettled(hostOf.keySet());
        startVms(settled, hostOf);
        Map<String, JsonNode> ended = awaitAll(hostOf.keySet(), Set.of("RUNNING", "FAILED"));

        Set<String> live = new HashSet<>();
        for (JsonNode request : ended.values()) {
            if ("RUNNING".equals(request.path("state").asString())) {
                live.addAll(vgpuUuids(request));
            } else {
                String claim = request.path("claimId").asString();
                await().atMost(DEADLINE).untilAsserted(() -> assertThat(
                        json(Http.get(inventory.url("/api/v1/claims/" + claim)), 200).path("state").asString())
                        .isIn("RELEASED", "EXPIRED"));
            }
        }
        assertThat(live).isNotEmpty();
        await().atMost(DEADLINE).untilAsserted(() -> assertThat(mdevs(host)).containsExactlyInAnyOrderElementsOf(live));
    }

    // ------------------------------------------------------------------ the operator and the checks

    /**
     * Starts each CREATED request's VM on its host with the request's vGPUs; an operator whose call timed
     * out on a loaded host calls again (a start redefines the VM, so a repeat is harmless).
     */
    private static void startVms(Map<String, JsonNode> requests, Map<String, SimulatedHost> hostOf) {
        requests.forEach((id, request) -> {
            if ("CREATED".equals(request.path("state").asString())) {
                await().atMost(DEADLINE).ignoreException(java.io.UncheckedIOException.class).untilAsserted(() -> {
                    Http.Response started = hostOf.get(id).startVm(request.path("vmId").asString(), vgpuUuids(request));
                    assertThat(started.status()).as(started.body()).isEqualTo(201);
                });
            }
        });
    }

    private Map<String, JsonNode> awaitSettled(Set<String> ids) {
        return awaitAll(ids, SETTLED);
    }

    private Map<String, JsonNode> awaitAll(Set<String> ids, Set<String> states) {
        Map<String, JsonNode> found = new LinkedHashMap<>();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            found.clear();
            for (String id : ids) {
                JsonNode request = json(Http.get(lifecycle.url("/api/v1/vgpus/" + id)), 200);
                assertThat(request.path("state").asString()).as(request.toString()).isIn(states);
                found.put(id, request);
            }
        });
        return found;
    }

    private String awaitType(String hostId, String nameSuffix) {
        List<String> found = new ArrayList<>();
        await().atMost(DEADLINE).untilAsserted(() -> {
            JsonNode host = json(Http.get(inventory.url("/api/v1/hosts/" + hostId)), 200);
            host.path("gpus").forEach(gpu -> gpu.path("types").forEach(type -> {
                if (type.path("name").asString().endsWith(nameSuffix)) {
                    found.add(type.path("typeId").asString());
                }
            }));
            assertThat(found).isNotEmpty();
        });
        return found.get(0);
    }

    private List<String> awaitGpus(String hostId) {
        List<String> gpus = new ArrayList<>();
        await().atMost(DEADLINE).untilAsserted(() -> {
            gpus.clear();
            json(Http.get(inventory.url("/api/v1/hosts/" + hostId)), 200).path("gpus")
                    .forEach(gpu -> gpus.add(gpu.path("uuid").asString()));
            assertThat(gpus).hasSizeGreaterThanOrEqualTo(8);
        });
        return gpus;
    }

    private static List<String> vgpuUuids(JsonNode request) {
        List<String> uuids = new ArrayList<>();
        request.path("vgpus").forEach(vgpu -> uuids.add(vgpu.path("vgpuUuid").asString()));
        return uuids;
    }

    /** The mdev devices in the host's simulated tree ({@code bus/mdev/devices/<uuid>}). */
    private static List<String> mdevs(SimulatedHost host) {
        Path devices = host.sysfsRoot().resolve("bus/mdev/devices");
        if (!Files.isDirectory(devices)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(devices)) {
            return entries.map(path -> path.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode json(Http.Response response, int status) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        return EventCodec.json().readTree(response.body());
    }
}
