package io.vgpufleet.lifecycle.vgpus.machine.bench;

import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.NvmlFacts;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import io.vgpufleet.contracts.host.VmRunState;
import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import io.vgpufleet.contracts.lifecycle.VgpuState;
import io.vgpufleet.lifecycle.vgpus.machine.Action;
import io.vgpufleet.lifecycle.vgpus.machine.Decision;
import io.vgpufleet.lifecycle.vgpus.machine.LifecycleMachine;
import io.vgpufleet.lifecycle.vgpus.machine.LifecyclePolicy;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus;
import io.vgpufleet.testing.BenchMachine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Decisions per second of the pure state machine: each request of two vGPUs goes REQUESTED to RUNNING and
 * back to DESTROYED (13 decisions). Not a test: {@code java -cp ... MachineBench [requests]}. Prints the
 * machine it ran on.
 */
public final class MachineBench {

    private MachineBench() {}

    public static void main(String[] args) throws Exception {
        int requests = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        LifecycleMachine machine = new LifecycleMachine(LifecyclePolicy.defaults());
        String gpuA = "GPU-00000000-0000-4000-8000-0000000000a1";
        String gpuB = "GPU-00000000-0000-4000-8000-0000000000b2";
        List<PhysicalGpu> gpus = List.of(gpu(gpuA, "0000:1a:00.0"), gpu(gpuB, "0000:1b:00.0"));
        run(machine, requests / 4, gpus, gpuA, gpuB); // warm-up
        long decisions = 0;
        long started = System.nanoTime();
        decisions += run(machine, requests, gpus, gpuA, gpuB);
        double seconds = (System.nanoTime() - started) / 1e9;
        System.out.printf("requests: %d, decisions: %d, %.2f s, %.0f decisions/s, %.1f us/decision%n", requests, decisions,
                seconds, decisions / seconds, seconds * 1e6 / decisions);
        System.out.println(BenchMachine.describe());
    }

    private static long run(LifecycleMachine machine, int requests, List<PhysicalGpu> gpus, String gpuA, String gpuB) {
        long decisions = 0;
        Instant now = Instant.parse("2026-11-25T10:00:00Z");
        for (int i = 0; i < requests; i++) {
            String u1 = UUID.randomUUID().toString();
            String u2 = UUID.randomUUID().toString();
            Decision d = machine.start("req-" + i, null, "vm-" + i, VgpuSpec.ofType("nvidia-289", 2, false, Map.of()),
                    List.of(u1, u2), UUID.randomUUID().toString(), now);
            decisions++;
            d = machine.on(d.request(), new Stimulus.ClaimGranted("h1", List.of(
                    new Stimulus.ClaimItem(gpuA, "0000:1a:00.0", "nvidia-289", u1, 0),
                    new Stimulus.ClaimItem(gpuB, "0000:1b:00.0", "nvidia-289", u2, 0))), now);
            decisions++;
            VgpuRequest request = d.request();
            for (Action action : d.actions()) {
                CreateVgpu create = (CreateVgpu) ((Action.SendCommand) action).command();
                request = machine.on(request, new Stimulus.Replied(new CommandSucceeded(create.commandId(), "h1", "t", now,
                        Map.of())), now).request();
                decisions++;
            }
            List<Vgpu> running = List.of(new Vgpu(u1, gpuA, "nvidia-289", null, "vm-" + i, Map.of(), null, VmRunState.RUNNING),
                    new Vgpu(u2, gpuB, "nvidia-289", null, "vm-" + i, Map.of(), null, VmRunState.RUNNING));
            request = machine.on(request, new Stimulus.HostObserved(new HostSnapshot("h1", i, now.plusSeconds(1), "b",
                    HostKind.MDEV, new VgpuManagerStatus(true, "550", List.of()), gpus, running)), now).request();
            decisions++;
            for (int tick = 0; tick < 5; tick++) {
                request = machine.on(request, new Stimulus.Tick(), now).request();
                decisions++;
            }
            d = machine.on(request, new Stimulus.DestroyRequested(), now);
            decisions++;
            request = d.request();
            for (Action action : new ArrayList<>(d.actions())) {
                RemoveVgpu remove = (RemoveVgpu) ((Action.SendCommand) action).command();
                request = machine.on(request, new Stimulus.Replied(new CommandSucceeded(remove.commandId(), "h1", "t", now,
                        Map.of())), now).request();
                decisions++;
            }
            request = machine.on(request, new Stimulus.ClaimReleased(), now).request();
            decisions++;
            if (request.state() != VgpuState.DESTROYED) {
                throw new IllegalStateException("request " + i + " ended " + request.state());
            }
        }
        return decisions;
    }

    private static PhysicalGpu gpu(String uuid, String bdf) {
        return new PhysicalGpu(uuid, bdf, "Tesla P4", 8192, 0, "0-7", EccMode.ON, HostKind.MDEV, false,
                new NvmlFacts(NvmlFacts.AVAILABLE, null, null), List.of(), List.of());
    }
}
