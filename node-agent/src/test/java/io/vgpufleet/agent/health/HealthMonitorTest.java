package io.vgpufleet.agent.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.metrics.AgentMetrics;
import io.vgpufleet.agent.nvml.NoNvml;
import io.vgpufleet.agent.nvml.NvmlDevice;
import io.vgpufleet.agent.nvml.NvmlEvent;
import io.vgpufleet.agent.nvml.NvmlHealthSample;
import io.vgpufleet.agent.nvml.NvmlPort;
import io.vgpufleet.agent.simulator.Fault;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedFaults;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.GpuLost;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.PagesRetired;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.health.XidErrorObserved;
import io.vgpufleet.contracts.host.PhysicalGpu;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HealthMonitorTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @TempDir
    Path root;

    private final List<HealthSignal> published = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private SimulatedFaults faults;
    private SimulatedNvml nvml;
    private Map<String, String> gpus;
    private PhysicalGpu t4;
    private PhysicalGpu a100;

    @BeforeEach
    void layOutAMixedHost() {
        SimulatedHost.layOut(root, HostProfile.MIXED, 9);
        faults = new SimulatedFaults(root, CLOCK);
        nvml = new SimulatedNvml(root, faults);
        List<PhysicalGpu> discovered = new HostDiscovery(new SysfsReader(root), nvml, "sim-01").discover().gpus();
        gpus = new LinkedHashMap<>();
        discovered.forEach(gpu -> gpus.put(gpu.pciBdf(), gpu.uuid()));
        t4 = discovered.get(1);
        a100 = discovered.get(2);
    }

    @Test
    void aDoubleBitEventPublishesFreshCountersThenItsXid() throws InterruptedException {
        HealthMonitor monitor = monitor(nvml);
        monitor.pollOnce();
        faults.inject(a100.uuid(), new Fault.DoubleBitEcc(1));

        deliverQueuedEvents(monitor);

        assertThat(published).containsExactly(
                new EccErrorsObserved("sim-01", a100.uuid(), NOW, SignalSource.EVENT, new EccCounters(0, 1, 0, 1),
                        new EccCounters(0, 1, 0, 1)),
                new XidErrorObserved("sim-01", a100.uuid(), NOW, SignalSource.EVENT, 48));
        monitor.pollOnce();
        assertThat(published).hasSize(2);
    }

    @Test
    void thePollerPublishesAPendingRetirementOnceAndTheResetAfterIt() {
        HealthMonitor monitor = monitor(nvml);
        monitor.pollOnce();
        faults.inject(t4.uuid(), new Fault.PageRetirementPending(true));

        monitor.pollOnce();
        monitor.pollOnce();
        faults.inject(t4.uuid(), new Fault.Reset());
        monitor.pollOnce();

        assertThat(published).containsExactly(
                new PagesRetired("sim-01", t4.uuid(), NOW, SignalSource.POLL, 0, 0, true),
                new PagesRetired("sim-01", t4.uuid(), NOW, SignalSource.POLL, 0, 1, false));
    }

    @Test
    void aLostGpuIsPublishedFromItsEvent() throws InterruptedException {
        HealthMonitor monitor = monitor(nvml);
        faults.inject(a100.uuid(), new Fault.GpuLost());

        deliverQueuedEvents(monitor);
        monitor.pollOnce();

        assertThat(published).containsExactly(
                new XidErrorObserved("sim-01", a100.uuid(), NOW, SignalSource.EVENT, 79),
                new GpuLost("sim-01", a100.uuid(), NOW, SignalSource.EVENT, "NVML_ERROR_GPU_IS_LOST"));
    }

    @Test
    void theEventsThreadSurvivesAFailingNvmlAndCountsIt() {
        AtomicInteger calls = new AtomicInteger();
        String bdf = gpus.keySet().iterator().next();
        NvmlPort flaky = new Delegating(new NoNvml()) {
            @Override
            public Optional<NvmlEvent> awaitEvent(Duration timeout) throws InterruptedException {
                int call = calls.incrementAndGet();
                if (call == 1) {
                    throw new IllegalStateException("nvmlEventSetWait_v2 failed: NVML_ERROR_UNKNOWN");
                }
                return call == 2 ? Optional.of(new NvmlEvent(bdf, NvmlEvent.Kind.XID, 94, NOW)) : super.awaitEvent(timeout);
            }
        };
        try (HealthMonitor monitor = monitor(flaky)) {
            monitor.start();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(published).containsExactly(
                    new XidErrorObserved("sim-01", gpus.get(bdf), NOW, SignalSource.EVENT, 94)));
        }
        assertThat(registry.get(AgentMetrics.HEALTH_LOOP_ERRORS).tag("loop", "events").counter().count()).isEqualTo(1);
    }

    private HealthMonitor monitor(NvmlPort port) {
        return new HealthMonitor("sim-01", port, () -> gpus, published::add, CLOCK, Duration.ofSeconds(1),
                new AgentMetrics(registry));
    }

    private void deliverQueuedEvents(HealthMonitor monitor) throws InterruptedException {
        for (Optional<NvmlEvent> event = nvml.awaitEvent(Duration.ZERO); event.isPresent();
                event = nvml.awaitEvent(Duration.ZERO)) {
            monitor.onEvent(event.get());
        }
    }

    /** A port that answers as another does, for a test to override one call. */
    private static class Delegating implements NvmlPort {

        private final NvmlPort delegate;

        Delegating(NvmlPort delegate) {
            this.delegate = delegate;
        }

        @Override
        public NvmlDevice deviceAt(String pciBdf) {
            return delegate.deviceAt(pciBdf);
        }

        @Override
        public Optional<String> vgpuInstanceUuidOn(String virtualFunctionBdf) {
            return delegate.vgpuInstanceUuidOn(virtualFunctionBdf);
        }

        @Override
        public Optional<String> driverVersion() {
            return delegate.driverVersion();
        }

        @Override
        public NvmlHealthSample healthOf(String pciBdf) {
            return delegate.healthOf(pciBdf);
        }

        @Override
        public Optional<NvmlEvent> awaitEvent(Duration timeout) throws InterruptedException {
            return delegate.awaitEvent(timeout);
        }
    }
}
