package io.vgpufleet.agent.hypervisor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vgpufleet.testing.MutableClock;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link WatchedDomains} against a stand-in {@code virsh}: a shell script that logs every call, answers
 * {@code list} and {@code dumpxml} from files the test writes, and for {@code event} prints what the test
 * writes into a FIFO, as libvirt's event stream would; closing the FIFO ends the watch.
 */
class WatchedDomainsTest {

    private static final String VGPU_1 = "6f1bd3a8-6c55-4c3e-9f1c-1f2d3e4f5a61";
    private static final String VGPU_2 = "6f1bd3a8-6c55-4c3e-9f1c-1f2d3e4f5a62";
    private static final Duration MAX_AGE = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T00:00:00Z"));
    private WatchedDomains watched;
    private OutputStream libvirtEvents;

    @BeforeEach
    void fakeVirsh() throws Exception {
        Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("events").toString()).inheritIO().start();
        assertThat(mkfifo.waitFor()).isZero();
        Path script = dir.resolve("virsh");
        Files.writeString(script, String.join("\n",
                "#!/bin/sh",
                "d='" + dir + "'",
                "shift 2", // -c <connection>
                "echo \"$*\" >> \"$d/calls\"",
                "case \"$1\" in",
                "  event) exec cat \"$d/events\" ;;",
                "  list) [ -f \"$d/list-fails\" ] && { echo 'error: failed to connect'; exit 1; }",
                "        case \"$2\" in --all) cat \"$d/all\" ;; --state-paused) cat \"$d/paused\" ;; *) cat \"$d/running\" ;; esac ;;",
                "  dumpxml) cat \"$d/xml-$2\" ;;",
                "esac",
                ""), UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("paused"), "", UTF_8);
        runs("vm-1", VGPU_1);
        watched = new WatchedDomains(new VirshHypervisor(script.toString(), "qemu:///system"), clock, MAX_AGE);
    }

    @AfterEach
    void stop() throws Exception {
        watched.close();
        if (libvirtEvents != null) {
            libvirtEvents.close();
        }
    }

    @Test
    void theListIsReusedUntilLibvirtReportsAnEvent() throws Exception {
        startWatching();
        assertThat(names(watched.domains())).containsExactly("vm-1");
        int listings = listings();

        runs("vm-2", VGPU_2);
        assertThat(names(watched.domains())).as("no event yet: the kept list").containsExactly("vm-1");
        assertThat(listings()).isEqualTo(listings);

        event("event 'lifecycle' for domain 'vm-2': Started Booted");
        await().atMost(Duration.ofSeconds(10)).until(() -> names(watched.domains()).contains("vm-2"));
        assertThat(watched.domains().stream().filter(d -> d.name().equals("vm-2")).findFirst().orElseThrow().mdevUuids())
                .containsExactly(VGPU_2);
    }

    @Test
    void anEventRunsTheAgentsActionWhichSeesTheNewDomain() throws Exception {
        List<List<String>> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        watched.onEvent(() -> {
            try {
                seen.add(names(watched.domains()));
            } catch (HypervisorPort.HypervisorException e) {
                throw new IllegalStateException(e);
            }
        });
        startWatching();
        watched.domains();

        runs("vm-2", VGPU_2);
        event("event 'lifecycle' for domain 'vm-2': Started Booted");
        await().atMost(Duration.ofSeconds(10)).until(() -> !seen.isEmpty());
        assertThat(seen.get(0)).containsExactly("vm-1", "vm-2");
    }

    @Test
    void manyEventsBetweenTwoDiscoveriesCostOneListing() throws Exception {
        startWatching();
        watched.domains();
        int listings = listings();

        runs("vm-2", VGPU_2);
        for (int i = 0; i < 50; i++) {
            event("event 'lifecycle' for domain 'vm-2': Suspended Paused");
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> names(watched.domains()).contains("vm-2"));
        watched.domains();
        assertThat(listings()).as("at most a listing per call, never one per event").isLessThanOrEqualTo(listings + 2);
    }

    @Test
    void theAgentsOwnChangeMakesTheNextCallAskAgain() throws Exception {
        startWatching();
        watched.domains();
        int listings = listings();

        watched.suspend("vm-1");
        Files.writeString(dir.resolve("paused"), "vm-1\n", UTF_8);
        assertThat(watched.domains().get(0).paused()).isTrue();
        assertThat(listings()).isEqualTo(listings + 1);
    }

    @Test
    void aListOlderThanTheMaximumAgeIsAskedAgain() throws Exception {
        startWatching();
        watched.domains();
        int listings = listings();

        clock.advance(MAX_AGE.minusSeconds(1));
        watched.domains();
        assertThat(listings()).isEqualTo(listings);
        clock.advance(Duration.ofSeconds(1));
        watched.domains();
        assertThat(listings()).isEqualTo(listings + 1);
    }

    @Test
    void withoutARunningWatchEveryCallAsksVirsh() throws Exception {
        // not started: no watch
        watched.domains();
        watched.domains();
        assertThat(listings()).isEqualTo(2);
        assertThat(watched.watching()).isFalse();
    }

    @Test
    void whenTheWatchEndsEveryCallAsksUntilItRunsAgain() throws Exception {
        startWatching();
        watched.domains();
        int listings = listings();

        libvirtEvents.close(); // libvirtd went away: virsh event ends
        libvirtEvents = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> !watched.watching());
        watched.domains();
        watched.domains();
        assertThat(listings()).isGreaterThanOrEqualTo(listings + 2);
    }

    @Test
    void aFailedListingIsThrownAgainWithoutAskingUntilTheNextEvent() throws Exception {
        startWatching();
        Files.writeString(dir.resolve("list-fails"), "", UTF_8);
        event("event 'lifecycle' for domain 'vm-1': Stopped Shutdown");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThatThrownBy(watched::domains)
                .isInstanceOf(HypervisorPort.HypervisorException.class).hasMessageContaining("failed to connect"));
        int listings = listings();

        assertThatThrownBy(watched::domains).hasMessageContaining("failed to connect");
        assertThat(listings()).as("the failure is kept, virsh is not run every second").isEqualTo(listings);

        Files.delete(dir.resolve("list-fails"));
        event("event 'lifecycle' for domain 'vm-1': Started Booted");
        await().atMost(Duration.ofSeconds(10)).until(() -> names(watched.domains()).contains("vm-1"));
    }

    /** Starts the watch; opening the FIFO for writing returns once virsh event has it open for reading. */
    private void startWatching() throws Exception {
        watched.start();
        libvirtEvents = Files.newOutputStream(dir.resolve("events"));
        await().atMost(Duration.ofSeconds(10)).until(watched::watching);
    }

    private void event(String line) throws Exception {
        libvirtEvents.write((line + "\n").getBytes(UTF_8));
        libvirtEvents.flush();
    }

    /** Defines a running domain holding one mdev (files the stand-in virsh answers from). */
    private void runs(String name, String mdevUuid) throws Exception {
        Path all = dir.resolve("all");
        String before = Files.exists(all) ? Files.readString(all, UTF_8) : "";
        Files.writeString(all, before + name + "\n", UTF_8);
        Files.writeString(dir.resolve("running"), before + name + "\n", UTF_8);
        Files.writeString(dir.resolve("xml-" + name), "<domain type='kvm'><name>" + name + "</name><devices>"
                + "<hostdev mode='subsystem' type='mdev' model='vfio-pci'><source><address uuid='" + mdevUuid
                + "'/></source></hostdev></devices></domain>\n", UTF_8);
    }

    /** How many times the domains were listed ({@code virsh list --all}, once per listing). */
    private int listings() throws Exception {
        Path calls = dir.resolve("calls");
        return Files.exists(calls) ? (int) Files.readAllLines(calls, UTF_8).stream().filter("list --all --name"::equals).count()
                : 0;
    }

    private static List<String> names(List<HypervisorPort.Domain> domains) {
        return domains.stream().map(HypervisorPort.Domain::name).toList();
    }
}
