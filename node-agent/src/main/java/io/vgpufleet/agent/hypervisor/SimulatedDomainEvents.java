package io.vgpufleet.agent.hypervisor;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The simulated host's domain lifecycle events: what libvirt's domain events ({@code
 * VIR_DOMAIN_EVENT_STARTED_MIGRATED} on the target of a live migration) tell a real agent. A VM that
 * another host's agent migrates here appears as a file in this host's {@code simulator/vms} without this
 * agent doing anything; the directory is watched (inotify on Linux) and {@code onChange} runs once per batch
 * of changes, so the agent publishes its snapshot at once instead of at its next periodic discovery.
 *
 * <pre>{@code
 * SimulatedDomainEvents events = SimulatedDomainEvents.start(root, () -> snapshots.publishChange("vm arrived"));
 * ...
 * events.close();
 * }</pre>
 */
public final class SimulatedDomainEvents implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimulatedDomainEvents.class);

    private final WatchService watcher;
    private final Thread thread;

    private SimulatedDomainEvents(WatchService watcher, Runnable onChange) {
        this.watcher = watcher;
        this.thread = new Thread(() -> run(onChange), "simulated-domain-events");
        this.thread.setDaemon(true);
    }

    /** Watches {@code <root>/simulator/vms} (created if missing) and calls {@code onChange} after changes there. */
    public static SimulatedDomainEvents start(Path root, Runnable onChange) throws IOException {
        Path vms = root.resolve(SimulatedHypervisor.VMS);
        Files.createDirectories(vms);
        WatchService watcher = FileSystems.getDefault().newWatchService();
        vms.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_DELETE,
                StandardWatchEventKinds.ENTRY_MODIFY);
        SimulatedDomainEvents events = new SimulatedDomainEvents(watcher, onChange);
        events.thread.start();
        return events;
    }

    private void run(Runnable onChange) {
        try {
            while (true) {
                WatchKey key = watcher.take();
                boolean domain = false;
                for (WatchEvent<?> event : key.pollEvents()) {
                    // the hypervisor writes ".<vm>.tmp" and renames it: only the VM's own name is a domain
                    domain |= event.kind() == StandardWatchEventKinds.OVERFLOW
                            || !String.valueOf(event.context()).startsWith(".");
                }
                if (!key.reset()) {
                    log.warn("simulator/vms is no longer watched; VMs migrated here show at the next discovery");
                    return;
                }
                if (domain) {
                    try {
                        onChange.run();
                    } catch (RuntimeException e) {
                        log.warn("publishing after a domain event failed; the next discovery publishes: {}", e.toString());
                    }
                }
            }
        } catch (InterruptedException | ClosedWatchServiceException e) {
            // closed
        }
    }

    @Override
    public void close() throws IOException {
        watcher.close();
        thread.interrupt();
    }
}
