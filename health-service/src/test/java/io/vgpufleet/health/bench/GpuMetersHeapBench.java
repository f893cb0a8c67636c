package io.vgpufleet.health.bench;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vgpufleet.contracts.health.EccCounters;
import io.vgpufleet.contracts.health.EccErrorsObserved;
import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.contracts.health.SignalSource;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.health.hosts.GpuFacts;
import io.vgpufleet.health.metrics.GpuMeters;
import io.vgpufleet.health.policy.HealthPolicy;
import io.vgpufleet.health.policy.HealthPolicyEngine;
import io.vgpufleet.testing.BenchMachine;
import java.lang.ref.Reference;
import java.time.Instant;
import java.util.Locale;

/**
 * A benchmark, not a test: the heap that health-service's pGPU meters ({@link GpuMeters}, in a
 * {@code PrometheusMeterRegistry} as the service runs it) hold per pGPU, and the size and time of one scrape,
 * for N pGPUs of which a fraction has something to report (a corrected ECC error) and the rest only zeros and a
 * HEALTHY verdict. Each pGPU is described as a host snapshot describes it, gets one signal and its verdict.
 *
 * <pre>
 * java -Xmx4g -cp "$(cat health-service/target/bench.classpath):health-service/target/test-classes:health-service/target/classes" \
 *   io.vgpufleet.health.bench.GpuMetersHeapBench [PGPUS] [REPORTING_FRACTION]
 * </pre>
 */
public final class GpuMetersHeapBench {

    private GpuMetersHeapBench() {}

    public static void main(String[] args) {
        int pgpus = args.length > 0 ? Integer.parseInt(args[0]) : 80_000;
        double reporting = args.length > 1 ? Double.parseDouble(args[1]) : 0.01;
        HealthPolicyEngine engine = new HealthPolicyEngine(HealthPolicy.defaults());
        Instant now = Instant.parse("2026-12-03T10:00:00Z");
        int reportEvery = reporting <= 0 ? Integer.MAX_VALUE : (int) Math.round(1 / reporting);

        long before = BenchMachine.liveHeapBytes();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        GpuMeters meters = new GpuMeters(registry);
        long start = System.nanoTime();
        for (int gpu = 0; gpu < pgpus; gpu++) {
            String host = "bench-" + (gpu / 8);
            String uuid = String.format(Locale.ROOT, "GPU-%08x-0000-4000-8000-%012x", gpu, gpu);
            meters.described(new GpuFacts(host, uuid, gpu % 8,
                    String.format(Locale.ROOT, "00000000:%02X:00.0", 0x17 + gpu % 8), "NVIDIA A100-SXM4-80GB",
                    EccMode.ON, false, 1));
            EccCounters counters = gpu % reportEvery == 0 ? new EccCounters(1, 0, 1, 0) : EccCounters.ZERO;
            HealthSignal signal = new EccErrorsObserved(host, uuid, now, SignalSource.POLL, counters, counters);
            meters.consumed(TopicCatalogue.HEALTH_SIGNALS.name(), EventTypes.of(signal.getClass()).ceType(), signal);
            meters.stateChanged(engine.apply(null, signal, now).state());
        }
        long fed = System.nanoTime() - start;
        long held = BenchMachine.liveHeapBytes() - before;
        Reference.reachabilityFence(meters); // held until measured: the compiled loop would drop it
        long scrapeStart = System.nanoTime();
        String scrape = registry.scrape();
        long scraped = System.nanoTime() - scrapeStart;

        System.out.println(BenchMachine.describe());
        System.out.printf(Locale.ROOT, "pGPUs %,d, reporting %s; meters %,d%n", pgpus,
                reporting <= 0 ? "none" : String.format(Locale.ROOT, "%.2f %% (one in %d)", 100.0 / reportEvery,
                        reportEvery), registry.getMeters().size());
        System.out.printf(Locale.ROOT, "heap held %,.1f MiB, %,d B per pGPU; fed in %,d ms%n", held / 1048576.0,
                held / pgpus, fed / 1_000_000);
        System.out.printf(Locale.ROOT, "one scrape: %,d series lines, %,.1f MiB, %,d ms%n",
                scrape.lines().filter(line -> !line.startsWith("#")).count(), scrape.length() / 1048576.0,
                scraped / 1_000_000);
    }
}
