package io.vgpufleet.agent.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.messaging.EventCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Serves the agent's endpoints on {@code 127.0.0.1} by default (the hypervisor's management network
 * is the operator's choice, through {@code --http-bind}).
 *
 * <ul>
 *   <li>{@code GET /metrics}: the Prometheus text of the agent's registry.
 *   <li>{@code GET /healthz}: {@code 200} with {@code {"hostId", "lastSnapshotPublishedAt", "kafkaOk",
 *       "commandIntakeRunning", "simulated"}}.
 *   <li>{@code POST /sim/gpus/{gpuUuid}/faults} (simulated hosts only; {@code 404} elsewhere): takes a
 *       JSON object {@code {"kind": "...", ...}} (the kinds and their fields: the simulator's {@code
 *       Fault}) of at most 16 KiB and answers {@code 202} with {@code {"gpuUuid", "applied"}} once the
 *       fault is in effect and its NVML events are queued; {@code 400} for a malformed UUID or body,
 *       {@code 404} for a GPU the host does not have, {@code 409} for a fault the GPU cannot have.
 *   <li>{@code GET /sim/vms}, {@code POST /sim/vms}, {@code DELETE /sim/vms/{vmId}} (simulated hosts
 *       only): list the simulated VMs; start one as an operator would from its domain definition, body
 *       {@code {"vmId": "...", "vgpuUuids": ["..."]}} ({@code 201}; {@code 400} malformed, {@code 404}
 *       a vGPU the host does not have, {@code 409} a vGPU another VM holds); destroy one ({@code 204}).
 * </ul>
 * Errors are RFC 9457 problem details.
 */
public final class AgentHttpServer implements AutoCloseable {

    private static final Pattern FAULTS = Pattern.compile("/sim/gpus/([^/]{1,64})/faults");
    private static final Pattern VM = Pattern.compile("/sim/vms/([^/]{1,128})");
    private static final int MAX_VGPUS_PER_VM = 16;
    private static final int MAX_BODY = 16 * 1024;

    /** What {@code /healthz} reports. */
    public record Health(
            String hostId, @Nullable Instant lastSnapshotPublishedAt, boolean kafkaOk, boolean commandIntakeRunning,
            boolean simulated) {}

    private final HttpServer server;
    private final ExecutorService executor;
    private final PrometheusMeterRegistry registry;
    private final Supplier<Health> health;
    private final @Nullable FaultInjection faults;
    private final @Nullable SimulatedVms vms;

    /**
     * @param faults the simulator's fault injection; {@code null} on a real host
     * @param vms the simulated hypervisor's VMs; {@code null} on a real host
     */
    public AgentHttpServer(String bind, int port, PrometheusMeterRegistry registry, Supplier<Health> health,
            @Nullable FaultInjection faults, @Nullable SimulatedVms vms) {
        this.registry = registry;
        this.health = health;
        this.faults = faults;
        this.vms = vms;
        try {
            this.server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve HTTP on " + bind + ":" + port, e);
        }
        this.executor = Executors.newFixedThreadPool(2, runnable -> {
            Thread thread = new Thread(runnable, "agent-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::route);
    }

    public void start() {
        server.start();
    }

    /** The port actually bound (useful with port 0). */
    public int port() {
        return server.getAddress().getPort();
    }

    private void route(HttpExchange exchange) throws IOException {
        try {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            Matcher faults = FAULTS.matcher(path);
            if ("/metrics".equals(path)) {
                onlyGet(exchange, method, () -> send(exchange, 200, "text/plain; version=0.0.4; charset=utf-8",
                        registry.scrape()));
            } else if ("/healthz".equals(path)) {
                onlyGet(exchange, method, () -> send(exchange, 200, "application/json", json(healthBody())));
            } else if (this.faults != null && faults.matches()) {
                if (!"POST".equals(method)) {
                    problem(exchange, 405, "Method Not Allowed", "use POST");
                } else {
                    faults(exchange, faults.group(1), this.faults);
                }
            } else if (this.vms != null && "/sim/vms".equals(path)) {
                vms(exchange, method, this.vms);
            } else if (this.vms != null && VM.matcher(path).matches()) {
                if (!"DELETE".equals(method)) {
                    problem(exchange, 405, "Method Not Allowed", "use DELETE");
                } else {
                    SimulatedVms.Outcome outcome = this.vms.destroy(path.substring("/sim/vms/".length()));
                    answer(exchange, outcome, Map.of());
                }
            } else {
                problem(exchange, 404, "Not Found", "no resource at " + Checks.printable(path));
            }
        } catch (RuntimeException e) {
            problem(exchange, 500, "Internal Server Error", Checks.printable(String.valueOf(e.getMessage())));
        } finally {
            exchange.close();
        }
    }

    private interface Response {
        void send() throws IOException;
    }

    private static void onlyGet(HttpExchange exchange, String method, Response response) throws IOException {
        if ("GET".equals(method)) {
            response.send();
        } else {
            problem(exchange, 405, "Method Not Allowed", "use GET");
        }
    }

    private Map<String, Object> healthBody() {
        Health now = health.get();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("hostId", now.hostId());
        body.put("lastSnapshotPublishedAt", Optional.ofNullable(now.lastSnapshotPublishedAt()).map(Instant::toString).orElse(null));
        body.put("kafkaOk", now.kafkaOk());
        body.put("commandIntakeRunning", now.commandIntakeRunning());
        body.put("simulated", now.simulated());
        return body;
    }

    private static void faults(HttpExchange exchange, String gpuUuid, FaultInjection injection) throws IOException {
        try {
            Checks.validGpuUuid(gpuUuid, "gpuUuid");
        } catch (IllegalArgumentException e) {
            problem(exchange, 400, "Bad Request", e.getMessage());
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        Optional<JsonNode> json = body.length > MAX_BODY ? Optional.empty() : jsonObject(body);
        if (json.isEmpty()) {
            problem(exchange, 400, "Bad Request", "the body must be a JSON object {\"kind\": \"...\"} of at most "
                    + MAX_BODY + " bytes");
            return;
        }
        FaultInjection.Outcome outcome = injection.inject(gpuUuid, json.get());
        if (outcome.status() == 202) {
            Map<String, Object> applied = new LinkedHashMap<>();
            applied.put("gpuUuid", gpuUuid);
            applied.put("applied", outcome.detail());
            send(exchange, 202, "application/json", json(applied));
            return;
        }
        String title = switch (outcome.status()) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            default -> "Error";
        };
        problem(exchange, outcome.status(), title, Checks.printable(outcome.detail()));
    }

    private static void vms(HttpExchange exchange, String method, SimulatedVms vms) throws IOException {
        if ("GET".equals(method)) {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("vms", vms.list());
            send(exchange, 200, "application/json", json(body));
            return;
        }
        if (!"POST".equals(method)) {
            problem(exchange, 405, "Method Not Allowed", "use GET or POST");
            return;
        }
        byte[] body;
        try (InputStream in = exchange.getRequestBody()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        Optional<JsonNode> json = body.length > MAX_BODY ? Optional.empty() : jsonObject(body);
        String shape = "the body must be a JSON object {\"vmId\": \"...\", \"vgpuUuids\": [\"...\"]} of at most "
                + MAX_BODY + " bytes, with 1 to " + MAX_VGPUS_PER_VM + " vGPUs";
        if (json.isEmpty() || !json.get().path("vmId").isString() || !json.get().path("vgpuUuids").isArray()) {
            problem(exchange, 400, "Bad Request", shape);
            return;
        }
        JsonNode uuids = json.get().path("vgpuUuids");
        if (uuids.isEmpty() || uuids.size() > MAX_VGPUS_PER_VM) {
            problem(exchange, 400, "Bad Request", shape);
            return;
        }
        List<String> vgpuUuids = new ArrayList<>();
        for (JsonNode uuid : uuids) {
            if (!uuid.isString()) {
                problem(exchange, 400, "Bad Request", "vgpuUuids must hold strings");
                return;
            }
            vgpuUuids.add(uuid.asString());
        }
        String vmId = json.get().path("vmId").asString();
        SimulatedVms.Outcome outcome = vms.start(vmId, vgpuUuids);
        Map<String, Object> created = new LinkedHashMap<>();
        created.put("vmId", vmId);
        created.put("vgpuUuids", vgpuUuids);
        answer(exchange, outcome, created);
    }

    private static void answer(HttpExchange exchange, SimulatedVms.Outcome outcome, Map<String, Object> body)
            throws IOException {
        if (outcome.status() == 204) {
            exchange.sendResponseHeaders(204, -1);
            return;
        }
        if (outcome.status() < 300) {
            send(exchange, outcome.status(), "application/json", json(body));
            return;
        }
        String title = switch (outcome.status()) {
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 409 -> "Conflict";
            default -> "Error";
        };
        problem(exchange, outcome.status(), title, Checks.printable(outcome.detail()));
    }

    private static Optional<JsonNode> jsonObject(byte[] body) {
        try {
            JsonNode node = EventCodec.json().readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    private static void problem(HttpExchange exchange, int status, String title, String detail) throws IOException {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status);
        problem.put("detail", detail);
        problem.put("instance", Checks.printable(exchange.getRequestURI().getPath()));
        send(exchange, status, "application/problem+json", json(problem));
    }

    private static String json(Map<String, Object> body) {
        return EventCodec.json().writeValueAsString(body);
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
