package io.vgpufleet.inventory.claims;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.messaging.DeadLetters;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.inventory.InventoryServiceApplication;
import io.vgpufleet.inventory.claims.streams.ClaimStreams;
import io.vgpufleet.service.testing.TestTokens;
import io.vgpufleet.testing.KafkaBroker;
import io.vgpufleet.testing.RealKafka;
import io.vgpufleet.testing.TopicProbe;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two inventory-service instances in this JVM (two Spring contexts, ephemeral ports, one claim ledger
 * application id, so Kafka Streams splits the hosts' partitions between them) against the real broker.
 */
@RealKafka
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClaimsIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(60)).build();

    /** Types no other test's hosts list, so fleet-wide counts are this test's alone. */
    private static final String RACE_TYPE = "nvidia-640";
    private static final String LIFE_TYPE = "nvidia-641";
    private static final int RACE_HOSTS = 25;
    private static final int GPUS_PER_HOST = 4;
    private static final int FREE_PER_GPU = 3;

    private static final String APPLICATION_ID = "claims-it-" + UUID.randomUUID();
    private static final List<ConfigurableApplicationContext> instances = new ArrayList<>();
    private static Path stateDirs;
    private static EventPublisher publisher;
    private static int restarts;

    @BeforeAll
    static void startTwoInstances() throws Exception {
        stateDirs = Files.createTempDirectory("claims-it");
        startInstances();
    }

    @AfterAll
    static void stopInstances() {
        instances.forEach(ConfigurableApplicationContext::close);
        instances.clear();
    }

    private static void startInstances() {
        for (int i = 0; i < 2; i++) {
            instances.add(new SpringApplicationBuilder(InventoryServiceApplication.class).run(
                    "--server.port=0",
                    // 500 connections arrive at once: let the kernel queue them all for Tomcat's acceptor
                    "--server.tomcat.accept-count=1000",
                    "--vgpu.inventory.claims.streams.application-id=" + APPLICATION_ID,
                    // a fresh state directory at every start: a restarted ledger is restored from its changelog
                    "--vgpu.inventory.claims.streams.state-dir=" + stateDirs.resolve("run-" + restarts + "-instance-" + i),
                    "--vgpu.inventory.claims.streams.expiry-interval=200ms",
                    // the machines these tests run on are shared and loaded: a ledger's answer may take seconds
                    "--vgpu.inventory.claims.outcome-timeout=20s",
                    "--vgpu.inventory.placement-rebuild-interval=100ms"));
        }
        restarts++;
        publisher = instances.get(0).getBean(EventPublisher.class);
        await().atMost(Duration.ofSeconds(60)).until(() -> instances.stream()
                .allMatch(context -> context.getBean(ClaimStreams.class).streamsState() == KafkaStreams.State.RUNNING));
    }

    @Test
    @Order(1)
    void claimsNeverExceedCapacityUnderConcurrentRequestsFromTwoInstancesAndSurviveARestart() throws Exception {
        for (int h = 0; h < RACE_HOSTS; h++) {
            publisher.publish(host(String.format("race-%02d", h), h, RACE_TYPE, GPUS_PER_HOST, List.of())).get();
        }
        for (int i = 0; i < 2; i++) {
            int instance = i;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(JSON.readTree(
                    get(instance, "/api/v1/capacity?type=" + RACE_TYPE).body()).path("types").path(0).path("headroom")
                    .asInt()).isEqualTo(RACE_HOSTS * GPUS_PER_HOST * FREE_PER_GPU));
        }
        warmUp();

        String body = """
                {"vmId": "vm-%d", "requester": "claims-it", "ttlSeconds": 600, "placement": {"typeId": "%s"}}""";
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        long raceStart = System.nanoTime();
        for (int i = 0; i < 1000; i++) {
            answers.add(HTTP.sendAsync(postRequest(i % 2, "/api/v1/claims", body.formatted(i, RACE_TYPE)),
                    HttpResponse.BodyHandlers.ofString()));
        }
        Map<Integer, Integer> byStatus = new TreeMap<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            byStatus.merge(answer.get().statusCode(), 1, Integer::sum);
        }
        System.out.printf("ClaimsIT: 1000 claims answered %s in %d ms%n", byStatus, (System.nanoTime() - raceStart) / 1_000_000);
        assertThat(byStatus).isEqualTo(Map.of(201, 300, 409, 700));
        Map<String, Integer> perGpu = new HashMap<>();
        List<String> grantedIds = new ArrayList<>();
        for (CompletableFuture<HttpResponse<String>> answer : answers) {
            HttpResponse<String> response = answer.get();
            JsonNode json = JSON.readTree(response.body());
            if (response.statusCode() == 201) {
                assertThat(json.path("state").asString()).isEqualTo("GRANTED");
                assertThat(response.headers().firstValue("Location")).contains("/api/v1/claims/" + json.path("claimId").asString());
                grantedIds.add(json.path("claimId").asString());
                perGpu.merge(json.path("items").get(0).path("gpuUuid").asString(), 1, Integer::sum);
            } else if (response.statusCode() == 409) {
                assertThat(json.path("type").asString()).endsWith("/claim-refused");
                assertThat(json.path("reasons").size()).isPositive();
                assertThat(json.path("reasons").get(0).path("reason").asString()).isNotBlank();
            }
        }
        assertThat(perGpu).hasSize(RACE_HOSTS * GPUS_PER_HOST).allSatisfy((gpu, count) ->
                assertThat(count).as("claims on %s", gpu).isEqualTo(FREE_PER_GPU));

        // both instances list the same 300 claims
        for (int i = 0; i < 2; i++) {
            int instance = i;
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                    raceClaims(instance)).containsExactlyInAnyOrderElementsOf(grantedIds));
        }
        String fleetBefore = raceFleet(0);
        JsonNode oneClaimBefore = JSON.readTree(get(1, "/api/v1/claims/" + grantedIds.get(0)).body());

        stopInstances();
        startInstances();

        for (int i = 0; i < 2; i++) {
            int instance = i;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(raceFleet(instance)).isEqualTo(fleetBefore);
                assertThat(raceClaims(instance)).containsExactlyInAnyOrderElementsOf(grantedIds);
            });
        }
        assertThat(JSON.readTree(get(0, "/api/v1/claims/" + grantedIds.get(0)).body())).isEqualTo(oneClaimBefore);
        // the restored claims still hold every instance: one more claim of the type is refused (each pGPU holds
        // 1 resident + 3 claimed of at most 4)
        HttpResponse<String> more = post(1, "/api/v1/claims", body.formatted(1000, RACE_TYPE));
        assertThat(more.statusCode()).isEqualTo(409);
        assertThat(more.body()).contains("MAX_INSTANCES");
    }

    @Test
    @Order(2)
    void expiresAGrantedClaimAtItsTime() throws Exception {
        publisher.publish(host("life-exp", 50, LIFE_TYPE, 1, List.of())).get();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < FREE_PER_GPU; i++) {
            JsonNode claim = claimOn(i % 2, "life-exp", 1, null);
            assertThat(claim.path("state").asString()).isEqualTo("GRANTED");
            ids.add(claim.path("claimId").asString());
        }
        for (String id : ids) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(
                    JSON.readTree(get(1, "/api/v1/claims/" + id).body()).path("state").asString()).isEqualTo("EXPIRED"));
        }
        // the pGPU has 3 free: only expiry can have given all of them back
        for (int i = 0; i < FREE_PER_GPU; i++) {
            assertThat(claimOn(i % 2, "life-exp", 600, null).path("state").asString()).isEqualTo("GRANTED");
        }
    }

    @Test
    @Order(3)
    void releasesOnDeleteIdempotentlyAndAnswers404ForAnUnknownClaim(KafkaBroker broker) throws Exception {
        publisher.publish(host("life-rel", 51, LIFE_TYPE, 1, List.of())).get();
        String id = claimOn(1, "life-rel", 60, null).path("claimId").asString();
        assertThat(delete(0, "/api/v1/claims/" + id).statusCode()).isEqualTo(204);
        assertThat(JSON.readTree(get(0, "/api/v1/claims/" + id).body()).path("state").asString()).isEqualTo("RELEASED");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(delete(1, "/api/v1/claims/" + id).statusCode())
                .isEqualTo(204));
        assertThat(delete(0, "/api/v1/claims/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
        assertThat(get(0, "/api/v1/claims/" + UUID.randomUUID()).statusCode()).isEqualTo(404);
        JsonNode listed = JSON.readTree(get(1, "/api/v1/claims?hostId=life-rel&state=RELEASED").body());
        assertThat(listed.path("items").findValuesAsString("claimId")).contains(id);

        // what the ledger sends once a final claim's retention (24 h here) has passed: a tombstone on the claim
        // topic, which reaches the bindings as a null payload and makes every directory forget the claim
        new TopicProbe(broker.bootstrapServers()).send(TopicCatalogue.CLAIMS.name(), id, null, Map.of());
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(get(0, "/api/v1/claims/" + id).statusCode()).isEqualTo(404);
            assertThat(get(1, "/api/v1/claims/" + id).statusCode()).isEqualTo(404);
        });
    }

    @Test
    @Order(4)
    void confirmsWhenTheSnapshotShowsTheVgpusAndReleasesWhenTheyLeave() throws Exception {
        publisher.publish(host("life-conf", 52, LIFE_TYPE, 2, List.of())).get();
        String vgpu = UUID.randomUUID().toString();
        JsonNode claim = claimOn(0, "life-conf", 60, vgpu);
        String id = claim.path("claimId").asString();
        String gpu = claim.path("items").get(0).path("gpuUuid").asString();
        assertThat(claim.path("items").get(0).path("vgpuUuid").asString()).isEqualTo(vgpu);

        // extend while GRANTED
        HttpResponse<String> extended = post(1, "/api/v1/claims/" + id + "/extend", "{\"ttlSeconds\": 900}");
        assertThat(extended.statusCode()).isEqualTo(200);
        assertThat(Instant.parse(JSON.readTree(extended.body()).path("expiresAt").asString()))
                .isAfter(Instant.now().plusSeconds(800));

        publisher.publish(host("life-conf", 52, LIFE_TYPE, 2, List.of(new Vgpu(vgpu, gpu, LIFE_TYPE, null, "vm-c",
                Map.of(), null)))).get();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(JSON.readTree(get(1, "/api/v1/claims/" + id).body()).path("state").asString()).isEqualTo("CONFIRMED"));
        HttpResponse<String> notGranted = post(0, "/api/v1/claims/" + id + "/extend", "{\"ttlSeconds\": 60}");
        assertThat(notGranted.statusCode()).isEqualTo(409);

        publisher.publish(host("life-conf", 52, LIFE_TYPE, 2, List.of())).get();
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(JSON.readTree(get(0, "/api/v1/claims/" + id).body()).path("state").asString()).isEqualTo("RELEASED"));
    }

    @Test
    @Order(5)
    void answersTheSameClaimIdWithTheExistingClaimAndRefusesBadBodiesNamingTheField() throws Exception {
        publisher.publish(host("life-idem", 53, LIFE_TYPE, 1, List.of())).get();
        String claimId = UUID.randomUUID().toString();
        String body = """
                {"claimId": "%s", "vmId": "vm-i", "requester": "claims-it",
                 "placement": {"typeId": "%s", "hostAffinity": ["life-idem"]}}""".formatted(claimId, LIFE_TYPE);
        await().atMost(Duration.ofSeconds(20)).until(() -> post(0, "/api/v1/claims", body).statusCode() == 201);
        HttpResponse<String> again = post(1, "/api/v1/claims", body);
        assertThat(again.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(again.body()).path("claimId").asString()).isEqualTo(claimId);
        assertThat(JSON.readTree(get(0, "/api/v1/claims?hostId=life-idem").body()).path("total").asInt()).isEqualTo(1);

        for (String[] bad : List.of(
                new String[] {"{\"vmId\": \"vm\", \"requester\": \"r\", \"placement\": {}, \"colour\": 1}", "colour"},
                new String[] {"{\"vmId\": \"../etc\", \"requester\": \"r\", \"placement\": {}}", "vmId"},
                new String[] {"{\"vmId\": \"vm\", \"requester\": \"r\", \"ttlSeconds\": 0, \"placement\": {}}", "ttlSeconds"},
                new String[] {"{\"vmId\": \"vm\", \"requester\": \"r\", \"placement\": {\"count\": -1}}", "placement.count"},
                new String[] {"{\"vmId\": \"vm\", \"requester\": \"r\", \"placement\": {}, \"vgpuUuids\": [\"x\"]}", "vgpuUuids[0]"},
                new String[] {"{\"vmId\": \"vm\", \"requester\": \"r\"}", "placement"})) {
            HttpResponse<String> refused = post(0, "/api/v1/claims", bad[0]);
            assertThat(refused.statusCode()).as(bad[0]).isEqualTo(400);
            assertThat(JSON.readTree(refused.body()).path("field").asString()).as(bad[0]).isEqualTo(bad[1]);
        }
    }

    @Test
    @Order(6)
    void deadLettersMalformedClaimRequestsWithTheReasonAndCarriesOn(KafkaBroker broker) throws Exception {
        TopicProbe probe = new TopicProbe(broker.bootstrapServers());
        String marker = UUID.randomUUID().toString();
        Map<String, String> headers = Map.of("ce_specversion", "1.0", "ce_id", marker,
                "ce_type", "vgpu.inventory.claim-capacity.v1", "ce_source", "urn:test", "ce_time", Instant.now().toString(),
                "ce_subject", "life-dlq");
        probe.send(TopicCatalogue.CLAIM_REQUESTS.name(), "life-dlq", "{not json".getBytes(StandardCharsets.UTF_8), headers);
        var letter = probe.await(TopicCatalogue.deadLetterOf(TopicCatalogue.CLAIM_REQUESTS).name(), Duration.ofSeconds(30),
                record -> marker.equals(TopicProbe.header(record, "ce_id")));
        assertThat(TopicProbe.header(letter, DeadLetters.REASON)).isNotBlank();

        // a valid command keyed by another host than its own: it sits in the wrong partition
        String wrongKey = UUID.randomUUID().toString();
        String command = """
                {"commandId":"%s","claimId":"c-%s","hostId":"life-dlq","vmId":"vm","requester":"r","ttlSeconds":60,
                 "items":[{"gpuUuid":"%s","pciBdf":"0000:10:00.0","typeId":"%s",
                 "vgpuUuid":"%s","numaNode":0}],"requestedAt":"%s"}""".formatted(wrongKey, wrongKey, gpuUuid(54, 0), LIFE_TYPE,
                UUID.randomUUID(), Instant.now());
        Map<String, String> wrongHeaders = new HashMap<>(headers);
        wrongHeaders.put("ce_id", wrongKey);
        probe.send(TopicCatalogue.CLAIM_REQUESTS.name(), "someone-else", command.getBytes(StandardCharsets.UTF_8),
                wrongHeaders);
        var misrouted = probe.await(TopicCatalogue.deadLetterOf(TopicCatalogue.CLAIM_REQUESTS).name(), Duration.ofSeconds(30),
                record -> wrongKey.equals(TopicProbe.header(record, "ce_id")));
        assertThat(TopicProbe.header(misrouted, DeadLetters.REASON)).contains("not the command's hostId");

        // an unreadable reservation (the topic the POSTs send to) is dead-lettered by the reservation step
        String badReservation = UUID.randomUUID().toString();
        Map<String, String> reservationHeaders = new HashMap<>(headers);
        reservationHeaders.put("ce_id", badReservation);
        reservationHeaders.put("ce_type", "vgpu.inventory.reserve-claim-id.v1");
        probe.send(TopicCatalogue.CLAIM_RESERVATIONS.name(), badReservation, "{not json".getBytes(StandardCharsets.UTF_8),
                reservationHeaders);
        var reservationLetter = probe.await(TopicCatalogue.deadLetterOf(TopicCatalogue.CLAIM_RESERVATIONS).name(),
                Duration.ofSeconds(30), record -> badReservation.equals(TopicProbe.header(record, "ce_id")));
        assertThat(TopicProbe.header(reservationLetter, DeadLetters.REASON)).isNotBlank();

        publisher.publish(host("life-dlq", 54, LIFE_TYPE, 1, List.of())).get();
        assertThat(claimOn(1, "life-dlq", 60, null).path("state").asString()).isEqualTo("GRANTED");
    }

    @Test
    @Order(7)
    void grantsAClaimIdOnceWhenTwoInstancesAreAskedForItOnTwoHostsAtOnce() throws Exception {
        publisher.publish(host("life-dup-a", 55, LIFE_TYPE, 1, List.of())).get();
        publisher.publish(host("life-dup-b", 56, LIFE_TYPE, 1, List.of())).get();
        // both hosts claimable through both instances (fleet view and ledger have their snapshots)
        for (String hostId : List.of("life-dup-a", "life-dup-b")) {
            for (int i = 0; i < 2; i++) {
                String id = claimOn(i, hostId, 60, null).path("claimId").asString();
                assertThat(delete(i, "/api/v1/claims/" + id).statusCode()).isEqualTo(204);
            }
        }
        String body = """
                {"claimId": "%s", "vmId": "vm-dup", "requester": "claims-it", "ttlSeconds": 600,
                 "placement": {"typeId": "%s", "hostAffinity": ["%s"]}}""";
        // three rounds: each must end with one grant, whichever instance's command reaches its ledger first
        for (int round = 0; round < 3; round++) {
            String claimId = UUID.randomUUID().toString();
            CompletableFuture<HttpResponse<String>> onA = HTTP.sendAsync(
                    postRequest(0, "/api/v1/claims", body.formatted(claimId, LIFE_TYPE, "life-dup-a")),
                    HttpResponse.BodyHandlers.ofString());
            CompletableFuture<HttpResponse<String>> onB = HTTP.sendAsync(
                    postRequest(1, "/api/v1/claims", body.formatted(claimId, LIFE_TYPE, "life-dup-b")),
                    HttpResponse.BodyHandlers.ofString());
            List<HttpResponse<String>> answers = List.of(onA.get(), onB.get());
            List<HttpResponse<String>> granted = answers.stream().filter(a -> a.statusCode() == 201).toList();
            assertThat(granted).as("201 answers for %s: %s", claimId, answers.stream().map(HttpResponse::body).toList())
                    .hasSize(1);
            String winner = JSON.readTree(granted.get(0).body()).path("hostId").asString();
            for (HttpResponse<String> answer : answers) {
                JsonNode json = JSON.readTree(answer.body());
                if (answer.statusCode() == 409) {
                    assertThat(json.path("type").asString()).endsWith("/claim-refused");
                    assertThat(json.path("reasons").get(0).path("reason").asString()).isEqualTo("CLAIM_ID_HELD");
                    assertThat(json.path("reasons").get(0).path("hostId").asString()).isEqualTo(winner);
                } else {
                    assertThat(answer.statusCode()).isIn(200, 201);
                    assertThat(json.path("claimId").asString()).isEqualTo(claimId);
                    assertThat(json.path("hostId").asString()).isEqualTo(winner);
                }
            }
            // the ledgers' outcomes as every directory holds them: one active claim with the id, on the winner
            for (int i = 0; i < 2; i++) {
                int instance = i;
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(activeHostsOf(instance, claimId)).containsExactly(winner);
                    assertThat(JSON.readTree(get(instance, "/api/v1/claims/" + claimId).body()).path("hostId").asString())
                            .isEqualTo(winner);
                });
            }
            assertThat(delete(1, "/api/v1/claims/" + claimId).statusCode()).isEqualTo(204);
            for (int i = 0; i < 2; i++) {
                int instance = i;
                await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                    assertThat(activeHostsOf(instance, claimId)).isEmpty();
                    assertThat(JSON.readTree(get(instance, "/api/v1/claims/" + claimId).body()).path("state").asString())
                            .isEqualTo("RELEASED");
                });
            }
        }
        // the ledgers hold no grant of the losers either: each host's 3 free instances can all be claimed again
        for (String hostId : List.of("life-dup-a", "life-dup-b")) {
            for (int i = 0; i < FREE_PER_GPU; i++) {
                assertThat(claimOn(i % 2, hostId, 60, null).path("state").asString()).isEqualTo("GRANTED");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    /** The hosts on which an instance's directory holds {@code claimId} GRANTED or CONFIRMED. */
    private static List<String> activeHostsOf(int instance, String claimId) throws Exception {
        List<String> hosts = new ArrayList<>();
        for (String hostId : List.of("life-dup-a", "life-dup-b")) {
            for (String state : List.of("GRANTED", "CONFIRMED")) {
                JsonNode listed = JSON.readTree(get(instance, "/api/v1/claims?size=500&state=" + state + "&hostId=" + hostId).body());
                for (JsonNode claim : listed.path("items")) {
                    if (claim.path("claimId").asString().equals(claimId)) {
                        hosts.add(hostId);
                    }
                }
            }
        }
        return hosts;
    }


    /** One claim and its release through both instances: the whole path works before the race starts. */
    private static void warmUp() throws Exception {
        publisher.publish(host("race-warmup", 99, LIFE_TYPE, 1, List.of())).get();
        for (int i = 0; i < 2; i++) {
            String id = claimOn(i, "race-warmup", 60, null).path("claimId").asString();
            assertThat(delete(i, "/api/v1/claims/" + id).statusCode()).isEqualTo(204);
        }
    }

    private static JsonNode claimOn(int instance, String hostId, int ttl, String vgpuUuid) throws Exception {
        String vgpus = vgpuUuid == null ? "" : ", \"vgpuUuids\": [\"" + vgpuUuid + "\"]";
        String body = """
                {"vmId": "vm-%s", "requester": "claims-it", "ttlSeconds": %d,
                 "placement": {"typeId": "%s", "hostAffinity": ["%s"]}%s}""".formatted(hostId, ttl, LIFE_TYPE, hostId, vgpus);
        java.util.concurrent.atomic.AtomicReference<HttpResponse<String>> last = new java.util.concurrent.atomic.AtomicReference<>();
        // the host's snapshot reaches the fleet view (placement) and the ledger independently: retry until both have it
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            last.set(post(instance, "/api/v1/claims", body));
            return last.get().statusCode() == 201;
        });
        return JSON.readTree(last.get().body());
    }

    private static List<String> raceClaims(int instance) throws Exception {
        List<String> ids = new ArrayList<>();
        for (int page = 0; ; page++) {
            JsonNode listed = JSON.readTree(get(instance, "/api/v1/claims?state=GRANTED&size=500&page=" + page).body());
            for (JsonNode claim : listed.path("items")) {
                if (claim.path("hostId").asString().startsWith("race-") && !claim.path("hostId").asString().equals("race-warmup")) {
                    ids.add(claim.path("claimId").asString());
                }
            }
            if (listed.path("items").size() < 500) {
                return ids;
            }
        }
    }

    /** The race hosts as the fleet view serves them, without when this instance last heard of them. */
    private static String raceFleet(int instance) throws Exception {
        JsonNode hosts = JSON.readTree(get(instance, "/api/v1/hosts?size=500").body());
        List<String> race = new ArrayList<>();
        for (JsonNode host : hosts.path("items")) {
            if (host.path("hostId").asString().startsWith("race-")) {
                ((tools.jackson.databind.node.ObjectNode) host).remove("lastSeenAt");
                race.add(host.toString());
            }
        }
        return String.join("\n", race);
    }

    /** A host of {@code gpus} pGPUs offering {@code type} (4 per pGPU), one resident on each: 3 free per pGPU. */
    static HostSnapshot host(String hostId, int hostIndex, String type, int gpus, List<Vgpu> extra) {
        List<PhysicalGpu> physical = new ArrayList<>();
        List<Vgpu> vgpus = new ArrayList<>();
        for (int g = 0; g < gpus; g++) {
            // "c1a1" keeps these pGPUs apart from those of the other ITs sharing the broker
            String gpu = gpuUuid(hostIndex, g);
            int resident = 1 + (int) extra.stream().filter(v -> v.gpuUuid().equals(gpu)).count();
            VgpuTypeCapacity capacity = new VgpuTypeCapacity(type, "GRID T4-4Q", VgpuClass.Q, 4096, 4, 4 - resident, 1, 60,
                    "4096x2160", "vfio-pci", null);
            physical.add(new PhysicalGpu(gpu, String.format("0000:%02x:00.0", 0x10 + g), "Tesla T4", 16384, 0, "0-15",
                    EccMode.OFF, HostKind.MDEV, false, NvmlFacts.unavailable("NVML_ERROR_LIBRARY_NOT_FOUND"),
                    List.of(capacity), List.of()));
            vgpus.add(new Vgpu(String.format("c1a1%04x-0000-4000-8000-%012x", hostIndex, g), gpu, type, null, "vm-old",
                    Map.of(), null));
        }
        vgpus.addAll(extra);
        return new HostSnapshot(hostId, System.nanoTime(), Instant.now(), "test", HostKind.MDEV,
                new VgpuManagerStatus(true, "550.54.16", List.of()), physical, vgpus);
    }

    static String gpuUuid(int hostIndex, int gpu) {
        return String.format("GPU-c1a1%04x-0000-4000-8000-%012x", hostIndex, gpu);
    }

    private static URI uri(int instance, String path) {
        return URI.create("http://127.0.0.1:" + instances.get(instance).getEnvironment().getProperty("local.server.port") + path);
    }

    private static HttpRequest postRequest(int instance, String path, String json) {
        return HttpRequest.newBuilder(uri(instance, path)).timeout(Duration.ofSeconds(60))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.OPERATOR))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    private static HttpResponse<String> post(int instance, String path, String json) throws Exception {
        return HTTP.send(postRequest(instance, path, json), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(int instance, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(instance, path))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.VIEWER)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> delete(int instance, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(instance, path))
                .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.OPERATOR)).DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }
}
