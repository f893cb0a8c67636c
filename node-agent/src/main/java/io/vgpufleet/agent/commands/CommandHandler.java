package io.vgpufleet.agent.commands;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.kernel.HostWriter;
import io.vgpufleet.agent.kernel.KernelError;
import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VirtualFunction;
import io.vgpufleet.contracts.messaging.EventTypes;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one command with exactly one reply: validates it against the host ({@link
 * CommandValidator}), executes it through the {@link HostWriter}, and turns the kernel's answer into
 * {@code CommandSucceeded}, {@code CommandRejected} or {@code CommandFailed} (with the errno name).
 *
 * <p>At most once per command id: a repeated id is answered with the first outcome, from a bounded
 * in-memory record of recent outcomes (lost on restart; commands carry {@code notAfter}, so a stale
 * repeat after a restart is rejected as expired unless it is still fresh).
 *
 * <p>This slice executes {@code CreateVgpu} and {@code RemoveVgpu}; every other command is rejected as
 * not supported yet, so no caller waits for work that will not happen.
 */
public final class CommandHandler {

    static final int REMEMBERED_OUTCOMES = 4096;
    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

    private final String hostId;
    private final HostState host;
    private final HostWriter writer;
    private final Clock clock;
    private final Map<String, CommandReply> outcomes = new LinkedHashMap<>(64, 0.75f, false) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CommandReply> eldest) {
            return size() > REMEMBERED_OUTCOMES;
        }
    };

    public CommandHandler(String hostId, HostState host, HostWriter writer, Clock clock) {
        this.hostId = hostId;
        this.host = host;
        this.writer = writer;
        this.clock = clock;
    }

    public synchronized CommandReply handle(AgentCommand command) {
        CommandReply earlier = outcomes.get(command.commandId());
        if (earlier != null) {
            log.info("command {} seen before; answering with its first outcome", command.commandId());
            return earlier;
        }
        CommandReply reply = decide(command);
        outcomes.put(command.commandId(), reply);
        return reply;
    }

    private CommandReply decide(AgentCommand command) {
        String type = EventTypes.of(command.getClass()).ceType();
        if (!(command instanceof CreateVgpu) && !(command instanceof RemoveVgpu)) {
            return rejected(command, type, List.of(type + " is not supported yet by this agent"));
        }
        DiscoveredHost now = host.discover();
        List<String> reasons = CommandValidator.reasonsToReject(command, hostId, now, clock.instant());
        if (!reasons.isEmpty()) {
            return rejected(command, type, reasons);
        }
        try {
            Map<String, String> result = command instanceof CreateVgpu create ? create(create, now) : remove((RemoveVgpu) command, now);
            log.info("command {} ({}) succeeded: {}", command.commandId(), type, result);
            return new CommandSucceeded(command.commandId(), hostId, type, clock.instant(), result);
        } catch (KernelError e) {
            log.info("command {} ({}) failed: {} {}", command.commandId(), type, e.errno(), e.getMessage());
            return new CommandFailed(command.commandId(), hostId, type, clock.instant(), e.errno(), e.getMessage());
        } finally {
            host.changed();
        }
    }

    private Map<String, String> create(CreateVgpu create, DiscoveredHost now) throws KernelError {
        PhysicalGpu gpu = CommandValidator.gpuAt(now, create.parentPciBdf()).orElseThrow();
        Map<String, String> result = new LinkedHashMap<>();
        result.put("vgpuUuid", create.vgpuUuid());
        result.put("parentPciBdf", create.parentPciBdf());
        result.put("typeId", create.typeId());
        if (gpu.hostKind() == HostKind.MDEV) {
            writer.createMdev(create.parentPciBdf(), create.typeId(), create.vgpuUuid());
            if (!create.params().isEmpty()) {
                try {
                    writer.writeMdevParams(create.vgpuUuid(), create.params());
                } catch (KernelError e) {
                    writer.removeMdev(create.vgpuUuid());
                    throw e;
                }
            }
            return result;
        }
        if (now.vgpus().stream().anyMatch(vgpu -> vgpu.uuid().equals(create.vgpuUuid()))) {
            throw new KernelError(KernelError.EEXIST, "vGPU " + create.vgpuUuid() + " already exists");
        }
        String vf = gpu.virtualFunctions().stream()
                .filter(function -> function.currentTypeId() == null && function.creatableTypeIds().contains(create.typeId()))
                .map(VirtualFunction::pciBdf)
                .findFirst()
                .orElseThrow(() -> new KernelError(KernelError.EUSERS,
                        "no free virtual function of " + gpu.pciBdf() + " can take type " + create.typeId()));
        writer.assignVirtualFunction(vf, create.typeId(), create.vgpuUuid());
        if (!create.params().isEmpty()) {
            try {
                writer.writeVirtualFunctionParams(vf, create.params());
            } catch (KernelError e) {
                writer.clearVirtualFunction(vf);
                throw e;
            }
        }
        result.put("virtualFunctionBdf", vf);
        return result;
    }

    private Map<String, String> remove(RemoveVgpu remove, DiscoveredHost now) throws KernelError {
        Optional<Vgpu> vgpu = now.vgpus().stream().filter(v -> v.uuid().equals(remove.vgpuUuid())).findFirst();
        String vf = vgpu.map(Vgpu::virtualFunctionBdf).orElse(null);
        if (vf != null) {
            writer.clearVirtualFunction(vf);
            return Map.of("vgpuUuid", remove.vgpuUuid(), "virtualFunctionBdf", vf);
        }
        writer.removeMdev(remove.vgpuUuid());
        return Map.of("vgpuUuid", remove.vgpuUuid());
    }

    private CommandRejected rejected(AgentCommand command, String type, List<String> reasons) {
        log.info("command {} ({}) rejected: {}", command.commandId(), type, reasons);
        return new CommandRejected(command.commandId(), hostId, type, clock.instant(), reasons);
    }
}
