package io.vgpufleet.agent.hypervisor;

import io.vgpufleet.contracts.host.VmRunState;
import java.util.List;
import java.util.Optional;

/**
 * What the agent asks of the hypervisor. Callers pass values that passed the contract checks;
 * implementations check them again before they reach a command line or a path.
 */
public interface HypervisorPort {

    /** Every domain the hypervisor knows, running or not, with its GPU host devices. */
    List<Domain> domains() throws HypervisorException;

    /**
     * Live-migrates a running domain to the target host (persistently, undefining it here), its vGPU onto
     * {@code targetVgpuUuid} prepared there. Returns when the hypervisor reports the migration done.
     */
    void migrateLive(String domain, String targetHostId, String sourceVgpuUuid, String targetVgpuUuid)
            throws HypervisorException;

    /** Pauses a running domain ({@code virsh suspend}): its vCPUs stop, its memory and devices stay. */
    void suspend(String domain) throws HypervisorException;

    /** Lets a paused domain run again ({@code virsh resume}). */
    void resume(String domain) throws HypervisorException;

    /** The domain holding an mdev (or vGPU instance) UUID, where one does. */
    default Optional<String> domainOf(String vgpuUuid) throws HypervisorException {
        return domains().stream().filter(domain -> domain.mdevUuids().contains(vgpuUuid)).map(Domain::name).findFirst();
    }

    /**
     * A domain: its name, whether it runs (an active domain may be paused), the UUIDs of its {@code
     * <hostdev type='mdev'>} devices and the PCI addresses ({@code dddd:bb:dd.f}) of its {@code <hostdev
     * type='pci'>} devices.
     */
    record Domain(String name, boolean active, List<String> mdevUuids, List<String> pciHostdevs, boolean paused) {

        /** A domain that is not paused. */
        public Domain(String name, boolean active, List<String> mdevUuids, List<String> pciHostdevs) {
            this(name, active, mdevUuids, pciHostdevs, false);
        }

        public Domain {
            mdevUuids = List.copyOf(mdevUuids);
            pciHostdevs = List.copyOf(pciHostdevs);
        }

        /** The run state the snapshot reports for the vGPUs it holds. */
        public VmRunState runState() {
            return paused ? VmRunState.PAUSED : active ? VmRunState.RUNNING : VmRunState.SHUT_OFF;
        }
    }

    /** The hypervisor refused or failed; the message says what it answered. */
    final class HypervisorException extends Exception {

        private static final long serialVersionUID = 1L;

        public HypervisorException(String message) {
            super(message);
        }

        public HypervisorException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
