package io.vgpufleet.sandbox.process;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jspecify.annotations.Nullable;

/**
 * Waits until HTTP health endpoints answer {@code 200}, all within one overall deadline, and says which
 * did not and why: still failing when time ran out (with the last answer seen), or their process ended.
 *
 * <pre>{@code
 * HealthWait.Result result = new HealthWait(Duration.ofMillis(500))
 *         .await(List.of(new HealthWait.Target("inventory-service", uri, child::isAlive)), Duration.ofSeconds(240));
 * result.notUp().forEach((name, why) -> ...);
 * }</pre>
 */
public final class HealthWait {

    /**
     * @param alive whether the program behind the endpoint still runs; once false, waiting for it stops
     */
    public record Target(String name, URI url, BooleanSupplier alive) {}

    /**
     * @param up names that answered 200, in the order they did
     * @param notUp names that did not, with the reason, in the targets' order
     */
    public record Result(List<String> up, Map<String, String> notUp) {

        public boolean allUp() {
            return notUp.isEmpty();
        }
    }

    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(3);

    private final HttpClient client;
    private final Duration pollInterval;

    public HealthWait(Duration pollInterval) {
        this.client = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .version(HttpClient.Version.HTTP_1_1)
                .build();
        this.pollInterval = pollInterval;
    }

    /** Polls every pending target each interval until all answered 200, ended, or {@code timeout} passed. */
    public Result await(List<Target> targets, Duration timeout) throws InterruptedException {
        return await(targets, timeout, () -> false);
    }

    /**
     * As {@link #await(List, Duration)}, but gives up as soon as {@code cancelled} says so (the sandbox is
     * being stopped); targets still pending then are reported as {@code "cancelled"}.
     */
    public Result await(List<Target> targets, Duration timeout, BooleanSupplier cancelled) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Target> pending = new ArrayList<>(targets);
        Map<String, String> lastSeen = new LinkedHashMap<>();
        Map<String, String> failed = new LinkedHashMap<>();
        List<String> up = new ArrayList<>();
        while (!pending.isEmpty() && !cancelled.getAsBoolean()) {
            for (Target target : List.copyOf(pending)) {
                String answer = probe(target.url());
                if (answer == null) {
                    up.add(target.name());
                    pending.remove(target);
                } else if (!target.alive().getAsBoolean()) {
                    failed.put(target.name(), "its process ended before " + target.url() + " answered 200");
                    pending.remove(target);
                } else {
                    lastSeen.put(target.name(), answer);
                }
            }
            if (pending.isEmpty() || System.nanoTime() >= deadline) {
                break;
            }
            // polling is the point here: the endpoints have no way to announce readiness
            Thread.sleep(Math.min(pollInterval.toMillis(), Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
        }
        for (Target target : pending) {
            failed.put(target.name(), cancelled.getAsBoolean() ? "cancelled"
                    : target.url() + " did not answer 200 within " + timeout.toSeconds() + " s (last: "
                            + lastSeen.getOrDefault(target.name(), "no answer") + ")");
        }
        Map<String, String> notUp = new LinkedHashMap<>();
        for (Target target : targets) {
            if (failed.containsKey(target.name())) {
                notUp.put(target.name(), failed.get(target.name()));
            }
        }
        return new Result(List.copyOf(up), notUp);
    }

    /** {@code null} when the endpoint answered 200, otherwise what it answered instead. */
    private @Nullable String probe(URI url) throws InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(REQUEST_TIMEOUT).GET().build();
        try {
            HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200 ? null : "HTTP " + response.statusCode();
        } catch (IOException e) {
            return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
    }
}
