package io.vgpufleet.agent.commands;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.SysfsText;
import io.vgpufleet.agent.hypervisor.HypervisorPort;
import io.vgpufleet.agent.kernel.HostWriter;
import io.vgpufleet.agent.kernel.KernelError;
import io.vgpufleet.agent.nvml.NvmlPort;
import io.vgpufleet.agent.nvml.VgpuCompatibility;
import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.command.AgentCommand;
import io.vgpufleet.contracts.command.CheckMigrationCompatibility;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.MigrateVm;
import io.vgpufleet.contracts.command.PrepareMigrationTarget;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.command.ResumeVm;
import io.vgpufleet.contracts.command.SuspendVm;
import io.vgpufleet.contracts.command.SetVgpuParams;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VirtualFunction;
import io.vgpufleet.contracts.host.VmRunState;
import io.vgpufleet.contracts.messaging.EventTypes;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;
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
 * <p>Executes every command of the contract:
 * <ul>
 *   <li>{@code CreateVgpu}, {@code PrepareMigrationTarget} (the vGPU for an incoming VM; result adds
 *       {@code vmId}): mdev {@code create}, or a free VF's {@code current_vgpu_type}, then the params.
 *   <li>{@code RemoveVgpu}; {@code SetVgpuParams} (allow-listed keys, {@link VgpuParams}; merged into the
 *       vGPU's params in force and written whole).
 *   <li>{@code CheckMigrationCompatibility}: every check the command makes possible must pass. The source's
 *       {@code migration_version} is written to the type's attribute here: the kernel's refusal is {@code
 *       compatible=false} with its errno as the limit; no attribute is {@code limit=NOT_MIGRATABLE}, unless
 *       NVML metadata is given, which then decides. The source's NVML metadata is checked with {@code
 *       nvmlGetVgpuCompatibility} against the pGPU: the LIVE bit is required, and without it the limit
 *       code ({@code HOST_DRIVER}, {@code GUEST_DRIVER}, {@code GPU}, {@code OTHER}) is the limit ({@code
 *       decidedBy=nvml}); {@code migrationKinds} lists what NVML allows. An NVML that cannot run the call
 *       fails the command with its return code when nothing else decided, and is noted otherwise.
 *   <li>{@code MigrateVm}: the VM must hold the source vGPU; the {@link HypervisorPort} migrates it live.
 *   <li>{@code SuspendVm}, {@code ResumeVm}: the {@link HypervisorPort} pauses or resumes the VM; the
 *       hypervisor's refusal (no such VM) is a {@code CommandFailed} with {@code HYPERVISOR_ERROR}.
 * </ul>
 */
public final class CommandHandler {

    /** The error code of a {@code CommandFailed} whose cause is the hypervisor's refusal. */
    public static final String HYPERVISOR_ERROR = "HYPERVISOR_ERROR";
    /** NVML's name for a call it cannot make on this driver or device. */
    public static final String NVML_NOT_SUPPORTED = "NVML_ERROR_NOT_SUPPORTED";
    private static final Logger log = LoggerFactory.getLogger(CommandHandler.class);

    private final String hostId;
    private final HostState host;
    private final HostWriter writer;
    private final Clock clock;
    private final @Nullable HypervisorPort hypervisor;
    private final NvmlPort nvml;
    private final OutcomeJournal outcomes;
    /** A command of the current batch changed (or may have changed) the host: {@link #endBatch()} says so. */
    private boolean changedInBatch;
    /** The discovery of the batch's last command, while no command since changed the host. */
    private @Nullable DiscoveredHost batchView;

    /** A handler without a hypervisor: {@code MigrateVm} is rejected. */
    public CommandHandler(String hostId, HostState host, HostWriter writer, Clock clock) {
        this(hostId, host, writer, clock, null);
    }

    /** A handler whose memory of outcomes ends with the process. */
    public CommandHandler(String hostId, HostState host, HostWriter writer, Clock clock,
            @Nullable HypervisorPort hypervisor) {
        this(hostId, host, writer, clock, hypervisor, new io.vgpufleet.agent.nvml.NoNvml());
    }

    /** A handler whose compatibility checks also ask {@code nvml} ({@code nvmlGetVgpuCompatibility}). */
    public CommandHandler(String hostId, HostState host, HostWriter writer, Clock clock,
            @Nullable HypervisorPort hypervisor, NvmlPort nvml) {
        this(hostId, host, writer, clock, hypervisor, nvml, OutcomeJournal.inMemory());
    }

    /** @param outcomes where the first outcome of each command is kept, e.g. {@link OutcomeJournal#open} */
    public CommandHandler(String hostId, HostState host, HostWriter writer, Clock clock,
            @Nullable HypervisorPort hypervisor, NvmlPort nvml, OutcomeJournal outcomes) {
        this.nvml = nvml;
        this.outcomes = outcomes;
        this.hostId = hostId;
        this.host = host;
        this.writer = writer;
        this.clock = clock;
        this.hypervisor = hypervisor;
    }

    /** Answers one command; a command that changed the host has told {@link HostState#changed()} when this returns. */
    public synchronized CommandReply handle(AgentCommand command) {
        CommandReply reply = handleInBatch(command);
        endBatch();
        return reply;
    }

    /**
     * Answers one command of a batch (the records of one poll) without telling {@link HostState#changed()}
     * yet: {@link #endBatch()} does that once for the batch, after its replies are on their way, so each reply
     * no longer waits for a discovery and a snapshot sent to the broker. A command that does not change the
     * host (a compatibility check) is validated against the discovery of an earlier command of the batch
     * when no command since changed the host, instead of discovering again.
     */
    public synchronized CommandReply handleInBatch(AgentCommand command) {
        Optional<CommandReply> earlier = outcomes.outcomeOf(command.commandId());
        if (earlier.isPresent()) {
            log.info("command {} seen before; answering with its first outcome", command.commandId());
            return earlier.get();
        }
        CommandReply reply = decide(command);
        outcomes.record(reply);
        return reply;
    }

    /** Ends a batch: a snapshot goes out if a command of it changed (or may have changed) the host. */
    public synchronized void endBatch() {
        batchView = null;
        if (changedInBatch) {
            changedInBatch = false;
            host.changed();
        }
    }

    private CommandReply decide(AgentCommand command) {
        String type = EventTypes.of(command.getClass()).ceType();
        boolean changes = !(command instanceof CheckMigrationCompatibility);
        DiscoveredHost now = !changes && batchView != null ? batchView : host.discover();
        batchView = changes ? null : now;
        List<String> reasons = new ArrayList<>(CommandValidator.reasonsToReject(command, hostId, now, clock.instant()));
        if (command instanceof MigrateVm && hypervisor == null) {
            reasons.add("this agent has no hypervisor port to migrate with");
        }
        if ((command instanceof SuspendVm || command instanceof ResumeVm) && hypervisor == null) {
            reasons.add("this agent has no hypervisor port to suspend or resume VMs with");
        }
        if (!reasons.isEmpty()) {
            return rejected(command, type, reasons);
        }
        try {
            Map<String, String> result = execute(command, now);
            log.info("command {} ({}) succeeded: {}", command.commandId(), type, result);
            return new CommandSucceeded(command.commandId(), hostId, type, clock.instant(), result);
        } catch (KernelError e) {
            log.info("command {} ({}) failed: {} {}", command.commandId(), type, e.errno(), e.getMessage());
            return new CommandFailed(command.commandId(), hostId, type, clock.instant(), e.errno(), e.getMessage());
        } catch (HypervisorPort.HypervisorException e) {
            log.info("command {} ({}) failed in the hypervisor: {}", command.commandId(), type, e.getMessage());
            return new CommandFailed(command.commandId(), hostId, type, clock.instant(), HYPERVISOR_ERROR,
                    Checks.printable(String.valueOf(e.getMessage()), 1000));
        } finally {
            if (changes) {
                changedInBatch = true;
            }
        }
    }

    private Map<String, String> execute(AgentCommand command, DiscoveredHost now)
            throws KernelError, HypervisorPort.HypervisorException {
        if (command instanceof CreateVgpu create) {
            return create(create, now);
        }
        if (command instanceof RemoveVgpu remove) {
            return remove(remove, now);
        }
        if (command instanceof SetVgpuParams set) {
            return setParams(set, now);
        }
        if (command instanceof PrepareMigrationTarget prepare) {
            Map<String, String> result = new LinkedHashMap<>(create(new CreateVgpu(prepare.commandId(), prepare.hostId(),
                    prepare.issuedAt(), prepare.notAfter(), prepare.parentPciBdf(), prepare.typeId(), prepare.vgpuUuid(),
                    Map.of()), now));
            result.put("vmId", prepare.vmId());
            return result;
        }
        if (command instanceof CheckMigrationCompatibility check) {
            return checkCompatibility(check, now);
        }
        if (command instanceof SuspendVm suspend) {
            java.util.Objects.requireNonNull(hypervisor).suspend(suspend.vmId());
            return Map.of("vmId", suspend.vmId(), "vmState", VmRunState.PAUSED.name());
        }
        if (command instanceof ResumeVm resume) {
            java.util.Objects.requireNonNull(hypervisor).resume(resume.vmId());
            return Map.of("vmId", resume.vmId(), "vmState", VmRunState.RUNNING.name());
        }
        return migrate((MigrateVm) command);
    }

    private Map<String, String> setParams(SetVgpuParams set, DiscoveredHost now) throws KernelError {
        Vgpu vgpu = now.vgpus().stream().filter(v -> v.uuid().equals(set.vgpuUuid())).findFirst().orElseThrow();
        Map<String, String> params = new TreeMap<>(vgpu.params());
        params.putAll(set.params());
        if (vgpu.virtualFunctionBdf() != null) {
            writer.writeVirtualFunctionParams(vgpu.virtualFunctionBdf(), params);
        } else {
            writer.writeMdevParams(vgpu.uuid(), params);
        }
        Map<String, String> result = new LinkedHashMap<>();
        result.put("vgpuUuid", vgpu.uuid());
        result.put("params", SysfsText.formatVgpuParams(params));
        return result;
    }

    private Map<String, String> checkCompatibility(CheckMigrationCompatibility check, DiscoveredHost now)
            throws KernelError {
        Map<String, String> result = new LinkedHashMap<>();
        result.put("parentPciBdf", check.parentPciBdf());
        result.put("typeId", check.typeId());
        boolean vendorVfio = CommandValidator.gpuAt(now, check.parentPciBdf()).map(PhysicalGpu::hostKind)
                .orElse(HostKind.MDEV) == HostKind.VENDOR_VFIO;
        List<String> reasons = new ArrayList<>();
        String refusal = null;
        String kinds = null;
        // 1. migration_version, where the source has one and this type has the attribute
        boolean versionDecided = false;
        if (check.migrationVersion() != null) {
            try {
                if (vendorVfio) {
                    throw new KernelError(KernelError.ENOENT, "vendor-VFIO types have no migration_version attribute");
                }
                writer.writeMigrationVersion(check.parentPciBdf(), check.typeId(), check.migrationVersion());
                versionDecided = true;
                reasons.add("migration_version accepted by " + check.typeId() + " on " + check.parentPciBdf());
            } catch (KernelError e) {
                boolean missing = KernelError.ENOENT.equals(e.errno());
                if (!missing || check.vgpuMetadataBase64() == null) {
                    refusal = missing ? "NOT_MIGRATABLE" : e.errno();
                    reasons.add((missing ? "no migration_version here: " : "migration_version refused: ") + e.getMessage());
                } else {
                    reasons.add("no migration_version here (" + e.getMessage() + "); NVML decides");
                }
            }
        }
        // 2. NVML: the source vGPU's metadata against this pGPU; LIVE required, the limit code is the reason
        if (refusal == null && check.vgpuMetadataBase64() != null) {
            VgpuCompatibility nvml = this.nvml.vgpuCompatibility(
                    java.util.Base64.getDecoder().decode(check.vgpuMetadataBase64()), check.parentPciBdf());
            if (nvml.error() != null) {
                if (!versionDecided) {
                    throw new KernelError(nvml.error(), "nvmlGetVgpuCompatibility could not be run on "
                            + check.parentPciBdf() + ": " + nvml.error());
                }
                reasons.add("the NVML metadata was not checked (" + nvml.error() + ")");
            } else {
                kinds = String.join(",", nvml.vmCompatibility());
                if (nvml.live()) {
                    reasons.add("nvmlGetVgpuCompatibility allows " + kinds + " on " + check.parentPciBdf());
                } else {
                    refusal = String.join(",", nvml.limits());
                    result.put("decidedBy", "nvml");
                    reasons.add("nvmlGetVgpuCompatibility allows " + kinds + " only, limited by " + refusal);
                }
            }
        } else if (refusal == null && check.migrationVersion() == null) {
            throw new KernelError(NVML_NOT_SUPPORTED, "give the source's migration_version or its NVML metadata");
        }
        boolean compatible = refusal == null;
        result.put("compatible", Boolean.toString(compatible));
        result.put("migrationKinds", compatible ? (kinds == null ? "LIVE" : kinds) : (kinds == null ? "" : kinds));
        result.put("limit", compatible ? "NONE" : refusal);
        result.put("reason", String.join("; ", reasons));
        return result;
    }

    private Map<String, String> migrate(MigrateVm migrate) throws HypervisorPort.HypervisorException {
        HypervisorPort port = java.util.Objects.requireNonNull(hypervisor);
        String holder = port.domainOf(migrate.sourceVgpuUuid()).orElse(null);
        if (!migrate.vmId().equals(holder)) {
            throw new HypervisorPort.HypervisorException("VM " + migrate.vmId() + " does not hold vGPU "
                    + migrate.sourceVgpuUuid() + (holder == null ? "" : " (VM " + holder + " does)"));
        }
        port.migrateLive(migrate.vmId(), migrate.targetHostId(), migrate.sourceVgpuUuid(), migrate.targetVgpuUuid());
        Map<String, String> result = new LinkedHashMap<>();
        result.put("vmId", migrate.vmId());
        result.put("targetHostId", migrate.targetHostId());
        result.put("targetVgpuUuid", migrate.targetVgpuUuid());
        return result;
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
