package io.vgpufleet.agent.fleet;

import io.vgpufleet.agent.commands.CommandHandler;
import io.vgpufleet.agent.commands.HostState;
import io.vgpufleet.agent.commands.OutcomeJournal;
import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.discovery.VgpuManagerProbe;
import io.vgpufleet.agent.health.HealthChanges;
import io.vgpufleet.agent.hypervisor.SimulatedHypervisor;
import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.persistence.DefiningHostWriter;
import io.vgpufleet.agent.persistence.MdevDefinitions;
import io.vgpufleet.agent.simulator.Fault;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedFaults;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedHostWriter;
import io.vgpufleet.agent.simulator.SimulatedKernel;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.agent.hypervisor.HypervisorPort;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.host.PhysicalGpu;
import java.util.UUID;
import io.vgpufleet.contracts.health.GpuLost;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.health.XidErrorObserved;
import io.vgpufleet.contracts.host.HostSnapshot;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One simulated host of a fleet: the single agent's parts for a simulated host (its own directory tree laid
 * out and answered by {@link SimulatedKernel}, {@link SimulatedNvml} with {@link SimulatedFaults}, the
 * {@link SimulatedHypervisor}, {@link HostDiscovery}, {@link CommandHandler}, {@link HealthChanges}), without
 * their threads: the {@link FleetSimulator} drives every host from a shared scheduler and sends what they
 * produce through one producer. Not thread-safe: the fleet calls a host from one thread at a time (its lane).
 */
final class FleetHost {

    private final String hostId;
    private final SimulatedFaults faults;
    private final SimulatedNvml nvml;
    private final HostDiscovery discovery;
    private final CommandHandler handler;
    private final HealthChanges changes;
    private final Clock clock;
    private final String agentVersion;
    private @Nullable DiscoveredHost lastPublished;
    private @Nullable Instant lastPublishedAt;
    private Map<String, String> gpuUuidByBdf = Map.of();
    private long sequence;
    private boolean changed;

    /**
     * @param vgpusPerGpu vGPUs to create on every pGPU at start (through the host's own command handling, so the
     *     simulated kernel creates them), each attached to a running VM of its own; 0 for an empty host. On a tree
     *     laid out before, what exists already is left as it is.
     */
    FleetHost(String hostId, Path root, HostProfile profile, long seed, Clock clock, String agentVersion,
            int vgpusPerGpu) {
        this.hostId = hostId;
        this.clock = clock;
        this.agentVersion = agentVersion;
        SimulatedHost host = SimulatedHost.layOut(root, profile, seed);
        this.faults = new SimulatedFaults(host.root(), clock);
        this.nvml = new SimulatedNvml(host.root(), faults);
        SimulatedHypervisor hypervisor = new SimulatedHypervisor(host.root());
        Path procRoot = host.procRoot();
        this.discovery = new HostDiscovery(new SysfsReader(host.root()), nvml, hostId, hypervisor,
                () -> VgpuManagerProbe.processRunning(procRoot));
        // as the single agent on a simulated host: mdevctl's definitions inside the host's own tree
        DefiningHostWriter writer = new DefiningHostWriter(new SimulatedHostWriter(new SimulatedKernel(host.root())),
                new MdevDefinitions(host.root()));
        this.handler = new CommandHandler(hostId, new HostState() {
            @Override
            public DiscoveredHost discover() {
                return discovery.discover();
            }

            @Override
            public void changed() {
                changed = true;
            }
        }, writer, clock, hypervisor, nvml, OutcomeJournal.inMemory());
        this.changes = new HealthChanges(hostId);
        if (vgpusPerGpu > 0) {
            populate(hypervisor, vgpusPerGpu);
        }
    }

    private void populate(SimulatedHypervisor hypervisor, int vgpusPerGpu) {
        DiscoveredHost host = discovery.discover();
        Instant now = clock.instant();
        int created = 0;
        for (int g = 0; g < host.gpus().size(); g++) {
            PhysicalGpu gpu = host.gpus().get(g);
            if (gpu.types().isEmpty()) {
                continue;
            }
            // the type with the most instances that still fits vgpusPerGpu of them (a pGPU is homogeneous)
            String typeId = gpu.types().stream().filter(type -> type.maxInstances() >= vgpusPerGpu)
                    .map(type -> type.typeId()).findFirst().orElse(gpu.types().get(0).typeId());
            for (int k = 0; k < vgpusPerGpu; k++) {
                String uuid = UUID.nameUUIDFromBytes((hostId + "/" + gpu.pciBdf() + "/" + k).getBytes(UTF_8)).toString();
                if (host.vgpus().stream().anyMatch(vgpu -> vgpu.uuid().equals(uuid))) {
                    continue;
                }
                CommandReply reply = handler.handle(new CreateVgpu("fleet-populate-" + uuid, hostId, now,
                        now.plusSeconds(60), gpu.pciBdf(), typeId, uuid, Map.of()));
                if (!(reply instanceof CommandSucceeded)) {
                    continue;
                }
                try {
                    hypervisor.run("vm-" + hostId + "-" + g + "-" + k, List.of(uuid));
                    created++;
                } catch (HypervisorPort.HypervisorException e) {
                    throw new IllegalStateException("fleet host " + hostId + ": cannot start a VM: " + e.getMessage(), e);
                }
            }
        }
        if (created > 0) {
            changed = true;
        }
    }

    String hostId() {
        return hostId;
    }

    /**
     * The snapshot to publish now, if any: the first, one after a change, or a heartbeat when the last is
     * {@code heartbeat} old. {@code force} discovers even when nothing is due (a command ran).
     */
    Optional<HostSnapshot> snapshotDue(Duration heartbeat) {
        Instant now = clock.instant();
        boolean heartbeatDue = lastPublishedAt == null || !now.isBefore(lastPublishedAt.plus(heartbeat));
        if (!heartbeatDue && !changed) {
            return Optional.empty();
        }
        changed = false;
        DiscoveredHost host = discovery.discover();
        Map<String, String> gpus = new LinkedHashMap<>();
        host.gpus().forEach(gpu -> gpus.put(gpu.pciBdf(), gpu.uuid()));
        gpuUuidByBdf = Map.copyOf(gpus);
        if (!heartbeatDue && lastPublished != null && host.sameContentAs(lastPublished)) {
            return Optional.empty();
        }
        lastPublished = host;
        lastPublishedAt = now;
        return Optional.of(host.toSnapshot(hostId, ++sequence, now, agentVersion));
    }

    /** A snapshot was not taken by the broker: send a full one at the next sweep. */
    void snapshotLost() {
        lastPublishedAt = null;
    }

    /** The signals of NVML events since the last call (never waits) and, when {@code poll}, of a counter poll. */
    List<HealthSignal> healthSignals(boolean poll) {
        List<HealthSignal> signals = new ArrayList<>();
        Optional<NvmlEvent> event;
        try {
            while ((event = faults.awaitEvent(Duration.ZERO)).isPresent()) {
                String gpuUuid = gpuUuidByBdf.get(event.get().pciBdf());
                if (gpuUuid == null) {
                    continue;
                }
                Instant at = event.get().at();
                switch (event.get().kind()) {
                    case SINGLE_BIT_ECC, DOUBLE_BIT_ECC ->
                            signals.addAll(changes.eccEvent(gpuUuid, nvml.healthOf(event.get().pciBdf()), at));
                    case XID -> signals.add(new XidErrorObserved(hostId, gpuUuid, at, SignalSource.EVENT,
                            Math.toIntExact(event.get().xid())));
                    case GPU_LOST -> signals.add(new GpuLost(hostId, gpuUuid, at, SignalSource.EVENT,
                            "NVML_ERROR_GPU_IS_LOST"));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (poll) {
            Instant at = clock.instant();
            gpuUuidByBdf.forEach((bdf, gpuUuid) ->
                    signals.addAll(changes.observe(gpuUuid, nvml.healthOf(bdf), at, SignalSource.POLL)));
        }
        return signals;
    }

    /** A signal did not reach the broker: the next poll signals the GPU's counters in full. */
    void signalLost(String gpuUuid) {
        changes.forget(gpuUuid);
    }

    CommandReply handle(AgentCommand command) {
        return handler.handle(command);
    }

    SimulatedFaults.Outcome inject(String gpuUuid, Fault fault) {
        return faults.inject(gpuUuid, fault);
    }

    /** The pGPU UUIDs of the last discovery. */
    List<String> gpuUuids() {
        return List.copyOf(gpuUuidByBdf.values());
    }
}
