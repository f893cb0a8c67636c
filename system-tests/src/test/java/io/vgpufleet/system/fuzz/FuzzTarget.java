package io.vgpufleet.system.fuzz;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.claims.ClaimState;
import io.vgpufleet.contracts.claims.ReserveClaimId;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.health.XidErrorObserved;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import io.vgpufleet.contracts.host.VmRunState;
import io.vgpufleet.contracts.messaging.Topic;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A topic that some component consumes live, the components that dead-letter an unreadable record of it
 * (each copies the record to {@code <topic>.dlq} once, so a malformed record lands there once per
 * consumer), and valid records of its types that the fuzzer corrupts.
 *
 * <p>Who reads what (the services' bindings and topologies, in this tree):
 * <ul>
 *   <li>host snapshots: inventory (fleet view binding), lifecycle, migration (bindings), health (Kafka Streams
 *       splitter). inventory's claims topology reads them too but skips an unreadable one (the fleet view
 *       dead-letters it), so four dead letters per record.
 *   <li>health signals: health. Agent commands: the agent whose host id is the record key.
 *   <li>command replies: lifecycle, migration. GPU health verdicts: inventory, lifecycle, migration.
 *   <li>cordons: inventory, health. Drain requests: migration. Claim requests: inventory's claims topology.
 *   <li>claims and claim refusals: inventory.
 * </ul>
 * Not here: the stores that a service replays only at start ({@code vgpu-requests}, {@code sagas},
 * {@code drains}: logged and skipped on replay, never dead-lettered, by design) and the topics no component
 * reads ({@code vgpu-states}, {@code progress}, {@code audit}).
 */
record FuzzTarget(Topic topic, List<Consumer> consumers, List<Object> templates) {

    /** A component that dead-letters the topic: its name, its consumer group (or group prefix). */
    record Consumer(String component, String group, boolean groupIsPrefix) {

        boolean owns(String groupId) {
            return groupIsPrefix ? groupId.startsWith(group) && !groupId.equals(CLAIMS_APPLICATION) : groupId.equals(group);
        }
    }

    static final String CLAIMS_APPLICATION = "inventory-service-claims";
    static final Consumer INVENTORY = new Consumer("inventory-service", "inventory-service-", true);
    static final Consumer INVENTORY_CLAIMS = new Consumer("inventory-service", CLAIMS_APPLICATION, false);
    static final Consumer LIFECYCLE = new Consumer("lifecycle-service", "lifecycle-service", false);
    static final Consumer MIGRATION = new Consumer("migration-service", "migration-service", false);
    static final Consumer HEALTH = new Consumer("health-service", "health-service-policy", false);

    static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
    static final String HOST = "fuzz-template-host";
    static final String GPU = "GPU-3c5e1a2b-7d4f-4e8a-9b6c-0d1e2f3a4b5c";
    static final String BDF = "0000:3b:00.0";
    static final String VGPU = "6f1c2b3a-4d5e-4f60-8a7b-9c0d1e2f3a4b";

    FuzzTarget {
        consumers = List.copyOf(consumers);
        templates = List.copyOf(templates);
    }

    /** The dead letters one malformed record of this topic makes. */
    int deadLettersPerRecord() {
        return consumers.size();
    }

    /** Every live-consumed topic; {@code agentGroup} is the consumer group of the agent that takes the commands. */
    static List<FuzzTarget> all(String agentHostId) {
        Consumer agent = new Consumer("node-agent-" + agentHostId, "node-agent-" + agentHostId, false);
        return List.of(
                new FuzzTarget(TopicCatalogue.HOST_SNAPSHOTS, List.of(INVENTORY, LIFECYCLE, MIGRATION, HEALTH),
                        List.of(snapshot(HOST, GPU))),
                new FuzzTarget(TopicCatalogue.HEALTH_SIGNALS, List.of(HEALTH), List.of(
                        new EccErrorsObserved(HOST, GPU, T0, SignalSource.POLL, new EccCounters(1, 0, 2, 0),
                                new EccCounters(1, 0, 0, 0)),
                        new XidErrorObserved(HOST, GPU, T0, SignalSource.EVENT, 13))),
                new FuzzTarget(TopicCatalogue.AGENT_COMMANDS, List.of(agent), List.of(
                        new CreateVgpu("cmd-fuzz-template", agentHostId, T0, T0.plusSeconds(30), BDF, "nvidia-222", VGPU,
                                Map.of("frame_rate_limiter", "0")),
                        new RemoveVgpu("cmd-fuzz-template", agentHostId, T0, T0.plusSeconds(30), VGPU))),
                new FuzzTarget(TopicCatalogue.COMMAND_REPLIES, List.of(LIFECYCLE, MIGRATION), List.of(
                        new CommandSucceeded("cmd-fuzz-template", HOST, "vgpu.agent.create-vgpu.v1", T0,
                                Map.of("vgpuUuid", VGPU)))),
                new FuzzTarget(TopicCatalogue.GPU_HEALTH, List.of(INVENTORY, LIFECYCLE, MIGRATION), List.of(
                        new GpuHealthChanged(GPU, HOST, GpuHealth.HEALTHY, GpuHealth.DEGRADED, "row-remap-pending",
                                Map.of("pending", "true"), T0))),
                new FuzzTarget(TopicCatalogue.GPU_CORDONS, List.of(INVENTORY, HEALTH), List.of(
                        new GpuCordonChanged(GPU, HOST, true, "fuzz template", "operator:fuzz", T0))),
                new FuzzTarget(TopicCatalogue.DRAIN_REQUESTS, List.of(MIGRATION), List.of(
                        new DrainRequested("drain-fuzz-template", GPU, HOST, GpuHealth.FAILED, "double-bit-ecc",
                                "fuzz template", T0))),
                new FuzzTarget(TopicCatalogue.CLAIM_REQUESTS, List.of(INVENTORY_CLAIMS), List.of(
                        new ClaimCapacity("cmd-fuzz-template", "claim-fuzz-template", HOST, "vm-fuzz", "fuzz", 60,
                                List.of(item()), T0))),
                new FuzzTarget(TopicCatalogue.CLAIM_RESERVATIONS, List.of(INVENTORY_CLAIMS), List.of(
                        new ReserveClaimId(new ClaimCapacity("cmd-fuzz-template", "claim-fuzz-template", HOST, "vm-fuzz",
                                "fuzz", 60, List.of(item()), T0)))),
                new FuzzTarget(TopicCatalogue.CLAIMS, List.of(INVENTORY), List.of(
                        new ClaimChanged("claim-fuzz-template", ClaimState.GRANTED, null, HOST, "vm-fuzz", "fuzz",
                                List.of(item()), T0, T0.plusSeconds(60), T0, null, "granted"))),
                new FuzzTarget(TopicCatalogue.CLAIM_REFUSALS, List.of(INVENTORY), List.of(
                        new ClaimCommandRefused("cmd-fuzz-template", "claim-fuzz-template", HOST,
                                "vgpu.inventory.claim-capacity.v1",
                                List.of(new ClaimCommandRefused.Reason(GPU, "NO_CAPACITY", "0 available")), T0))));
    }

    static ClaimItem item() {
        return new ClaimItem(GPU, BDF, "nvidia-222", VGPU, 0);
    }

    /** A snapshot of a host with one T4 carrying one vGPU: every nested record of a snapshot is there to corrupt. */
    static HostSnapshot snapshot(String hostId, String gpuUuid) {
        return new HostSnapshot(hostId, 1, T0, "0.1.0", HostKind.MDEV,
                new VgpuManagerStatus(true, "550.127.06", List.of()),
                List.of(new PhysicalGpu(gpuUuid, BDF, "Tesla T4", 15360, 0, "0-7", EccMode.ON, HostKind.MDEV, false,
                        new NvmlFacts(NvmlFacts.AVAILABLE, "HOST_VGPU", "NON_SRIOV"),
                        List.of(new VgpuTypeCapacity("nvidia-222", "GRID T4-16C", VgpuClass.C, 16384, 1, 0, 1, 0,
                                "4096x2160", "vfio-pci", null)),
                        List.of())),
                List.of(new Vgpu(VGPU, gpuUuid, "nvidia-222", null, "vm-fuzz", Map.of(), null, VmRunState.RUNNING,
                        null)));
    }

    /**
     * A valid snapshot of a host that offers nothing to place on (its pGPU lists no vGPU types), so that the
     * hosts the fuzz adds to the shared fleet never take another test's placement.
     */
    static HostSnapshot emptyHost(String hostId, String gpuUuid, long sequence) {
        return new HostSnapshot(hostId, sequence, Instant.now(), "0.1.0", HostKind.MDEV,
                new VgpuManagerStatus(true, "550.127.06", List.of()),
                List.of(new PhysicalGpu(gpuUuid, BDF, "Tesla T4", 15360, 0, "0-7", EccMode.ON, HostKind.MDEV, false,
                        new NvmlFacts(NvmlFacts.AVAILABLE, "HOST_VGPU", "NON_SRIOV"), List.of(), List.of())),
                List.of());
    }
}
