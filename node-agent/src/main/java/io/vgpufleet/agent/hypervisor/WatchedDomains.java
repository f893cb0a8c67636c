package io.vgpufleet.agent.hypervisor;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libvirt's domains for discovery on a real host, without asking {@code virsh} every second. Listing the
 * domains costs a {@code virsh list} for each state and a {@code virsh dumpxml} for each domain, too dear
 * for a one-second discovery loop; so the list is kept and asked again only when it may have changed:
 *
 * <ul>
 *   <li>libvirt said so: a long-lived {@code virsh event --all --loop} prints a line for every domain event
 *       (started, stopped, suspended, resumed, migrated, defined, a device added or removed);
 *   <li>the agent itself changed a domain (migrate, suspend, resume go through this port);
 *   <li>the list is older than {@code maxAge} (a missed event cannot stay wrong for longer);
 *   <li>the event watch is not running (virsh missing, libvirtd restarting): then every call asks, as a
 *       watch-less agent must; the watch is restarted with a back-off from 1 s to 30 s.
 * </ul>
 *
 * A failed listing is kept like a list (and thrown again) until one of the above, so a host without a
 * working libvirt does not spawn {@code virsh} every second. Many events between two calls cost one
 * listing. {@link #onEvent} lets the agent publish at once what libvirt reported. Lifecycle: {@link
 * #start()} once, {@link #close()} at shutdown.
 */
public final class WatchedDomains implements HypervisorPort, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WatchedDomains.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration LAST_BACKOFF = Duration.ofSeconds(30);
    /** A watch that lived this long was healthy: the next restart waits the first back-off again. */
    private static final Duration HEALTHY_WATCH = Duration.ofMinutes(1);

    private final VirshHypervisor virsh;
    private final Clock clock;
    private final Duration maxAge;
    private final Thread watcher;

    private volatile boolean stale = true;
    private volatile boolean watching;
    private volatile boolean closed;
    private volatile @Nullable Process events;
    private volatile Runnable onEvent = () -> { };
    private @Nullable List<Domain> domains;
    private @Nullable HypervisorException failure;
    private Instant listedAt = Instant.EPOCH;

    public WatchedDomains(VirshHypervisor virsh, Clock clock, Duration maxAge) {
        this.virsh = virsh;
        this.clock = clock;
        this.maxAge = maxAge;
        this.watcher = new Thread(this::watch, "virsh-events");
        this.watcher.setDaemon(true);
    }

    /** Starts the event watch. */
    public void start() {
        watcher.start();
    }

    /**
     * Runs {@code action} on the watch's thread after libvirt reported a change (the agent publishes a
     * snapshot at once). Events that arrive while it runs are taken together by its next run.
     */
    public void onEvent(Runnable action) {
        this.onEvent = action;
    }

    /** Whether {@code virsh event} is running now (otherwise every listing goes to virsh). */
    public boolean watching() {
        return watching;
    }

    @Override
    public synchronized List<Domain> domains() throws HypervisorException {
        Instant now = clock.instant();
        if (stale || !watching || !now.isBefore(listedAt.plus(maxAge))) {
            // cleared before asking: an event that arrives while virsh answers makes the next call ask again
            stale = false;
            listedAt = now;
            try {
                domains = virsh.domains();
                failure = null;
            } catch (HypervisorException e) {
                domains = null;
                failure = e;
            }
        }
        if (failure != null) {
            throw failure;
        }
        return domains == null ? List.of() : domains;
    }

    @Override
    public void migrateLive(String domain, String targetHostId, String sourceVgpuUuid, String targetVgpuUuid)
            throws HypervisorException {
        changing(() -> virsh.migrateLive(domain, targetHostId, sourceVgpuUuid, targetVgpuUuid));
    }

    @Override
    public void suspend(String domain) throws HypervisorException {
        changing(() -> virsh.suspend(domain));
    }

    @Override
    public void resume(String domain) throws HypervisorException {
        changing(() -> virsh.resume(domain));
    }

    /** A change the agent makes: whether virsh did it or not, the next listing asks again. */
    private void changing(Change change) throws HypervisorException {
        try {
            change.run();
        } finally {
            stale = true;
        }
    }

    private interface Change {
        void run() throws HypervisorException;
    }

    @Override
    public void close() {
        closed = true;
        Process process = events;
        if (process != null) {
            process.destroy();
        }
        watcher.interrupt();
    }

    private void watch() {
        Duration backoff = FIRST_BACKOFF;
        while (!closed) {
            Instant started = clock.instant();
            try {
                Process process = virsh.watchEvents();
                events = process;
                watching = true;
                stale = true; // whatever happened while nobody watched
                readEvents(process.getInputStream());
                process.destroy();
                if (!closed) {
                    log.warn("virsh event ended (exit {}): domains are listed at every discovery until it runs again",
                            process.waitFor());
                }
            } catch (HypervisorException | IOException e) {
                if (!closed) {
                    log.warn("cannot watch libvirt's domain events: {}", e.getMessage());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                watching = false;
                stale = true;
            }
            if (Duration.between(started, clock.instant()).compareTo(HEALTHY_WATCH) >= 0) {
                backoff = FIRST_BACKOFF;
            }
            try {
                Thread.sleep(backoff.toMillis()); // restart back-off, not synchronisation
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            backoff = backoff.multipliedBy(2).compareTo(LAST_BACKOFF) > 0 ? LAST_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /** Every line virsh prints is an event; its words are not needed (nor kept: a long line costs nothing). */
    private void readEvents(InputStream in) throws IOException {
        byte[] buffer = new byte[4096];
        for (int read = in.read(buffer); read >= 0 && !closed; read = in.read(buffer)) {
            for (int i = 0; i < read; i++) {
                if (buffer[i] == '\n') {
                    stale = true;
                    try {
                        onEvent.run();
                    } catch (RuntimeException e) {
                        log.warn("after a libvirt domain event: {}", e.toString());
                    }
                    break;
                }
            }
        }
    }
}
