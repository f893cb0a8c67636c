package io.vgpufleet.sandbox.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes ({@code bash}); each test ends all it started. */
class ChildProcessTest {

    @TempDir
    Path dir;

    private ChildProcess bash(String name, String script) throws Exception {
        return ChildProcess.start(name, List.of("bash", "-c", script), dir, dir.resolve("logs").resolve(name + ".log"));
    }

    @Test
    void outputAndErrorsGoToTheLogFileAfterAHeaderWithTheCommand() throws Exception {
        ChildProcess child = bash("talker", "echo to-out; echo to-err >&2");
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        child.onUnexpectedExit(exit::complete);

        assertThat(exit.get(10, TimeUnit.SECONDS)).isZero();
        List<String> log = Files.readAllLines(child.logFile());
        assertThat(log.get(0)).startsWith("# ").endsWith("bash -c echo to-out; echo to-err >&2");
        assertThat(log.subList(1, log.size())).containsExactlyInAnyOrder("to-out", "to-err");
        assertThat(child.tail(1)).hasSize(1);
        assertThat(child.exitCode()).hasValue(0);
    }

    @Test
    void anExitBeforeStopIsReportedWithItsCode() throws Exception {
        ChildProcess child = bash("crasher", "echo failing; exit 7");
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        child.onUnexpectedExit(exit::complete);

        assertThat(exit.get(10, TimeUnit.SECONDS)).isEqualTo(7);
        assertThat(child.tail(5)).endsWith("failing");
    }

    @Test
    void stopEndsTheProgramPolitelyAndIsNotReportedAsUnexpected() throws Exception {
        ChildProcess child = bash("sleeper", "exec sleep 60");
        CompletableFuture<Integer> unexpected = new CompletableFuture<>();
        child.onUnexpectedExit(unexpected::complete);

        List<String> killed = ChildProcess.stopAll(List.of(child), Duration.ofSeconds(10));

        assertThat(killed).isEmpty();
        assertThat(child.isAlive()).isFalse();
        assertThat(child.exitCode()).hasValue(143); // 128 + SIGTERM
        assertThat(unexpected).isNotDone();
    }

    @Test
    void aProgramThatIgnoresSigtermIsKilledAfterTheGracePeriod() throws Exception {
        ChildProcess stubborn = bash("stubborn", "trap '' TERM; echo ready; while true; do sleep 1; done");
        ChildProcess polite = bash("polite", "exec sleep 60");
        await().atMost(Duration.ofSeconds(10)).until(() -> stubborn.tail(1).contains("ready"));

        List<String> killed = ChildProcess.stopAll(List.of(stubborn, polite), Duration.ofMillis(500));

        assertThat(killed).containsExactly("stubborn");
        assertThat(stubborn.isAlive()).isFalse();
        assertThat(polite.isAlive()).isFalse();
    }

    @Test
    void theTailOfAMissingLogIsEmpty() {
        assertThat(ChildProcess.tail(dir.resolve("nothing.log"), 10)).isEmpty();
    }
}
