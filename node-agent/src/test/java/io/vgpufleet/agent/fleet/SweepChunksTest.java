package io.vgpufleet.agent.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.Test;

/** A lane's sweep is handed to the lane a chunk at a time, so a command given to the lane meanwhile runs between. */
class SweepChunksTest {

    private final Queue<Runnable> lane = new ArrayDeque<>();
    private final Executor queued = lane::add;
    private final List<String> ran = new ArrayList<>();

    private void drain() {
        for (Runnable task = lane.poll(); task != null; task = lane.poll()) {
            task.run();
        }
    }

    @Test
    void aCommandGivenToTheLaneDuringAChunkRunsBeforeTheNextChunk() {
        CompletableFuture<Void> sweep = FleetSimulator.inChunks(5, 2, i -> {
            ran.add("host " + i);
            if (i == 0) {
                queued.execute(() -> ran.add("command"));
            }
        }, queued);
        assertThat(lane).as("only the first chunk is on the lane").hasSize(1);

        drain();

        assertThat(ran).containsExactly("host 0", "host 1", "command", "host 2", "host 3", "host 4");
        assertThat(sweep).isDone();
    }

    @Test
    void anEmptyLaneIsSweptAtOnce() {
        assertThat(FleetSimulator.inChunks(0, 64, i -> ran.add("host " + i), queued)).isDone();
        assertThat(lane).isEmpty();
    }
}
