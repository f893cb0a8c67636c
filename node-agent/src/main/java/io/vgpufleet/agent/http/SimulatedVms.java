package io.vgpufleet.agent.http;

import java.util.List;
import java.util.Map;

/**
 * What {@code /sim/vms} asks of the simulated hypervisor: an operator starting a VM from a domain
 * definition that holds vGPUs ({@code virsh define} + {@code virsh start}), destroying it, or listing
 * what runs. The agent wires it on simulated hosts only.
 */
public interface SimulatedVms {

    /** The answer: an HTTP status and a detail fit for the caller. */
    record Outcome(int status, String detail) {}

    /**
     * Starts (or redefines) {@code vmId} with these vGPUs attached: {@code 201} started, {@code 400} a
     * malformed name or UUID, {@code 404} a vGPU this host does not have, {@code 409} a vGPU another VM
     * holds.
     */
    Outcome start(String vmId, List<String> vgpuUuids);

    /** Destroys and undefines {@code vmId}: {@code 204}, or {@code 404} when no such VM runs here. */
    Outcome destroy(String vmId);

    /** Every VM with the UUIDs of its vGPUs. */
    Map<String, List<String>> list();
}
