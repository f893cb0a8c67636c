package io.vgpufleet.health.verdicts;

import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.health.streams.HealthStreams;
import io.vgpufleet.service.web.NotFoundException;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.HostInfo;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Asks the other health-service instances for what their partitions hold: the health of a pGPU they own, and
 * their unhealthy pGPUs. Requests carry {@link #FORWARDED}, so the instance answers from its own store and
 * never forwards again (no loops while ownership moves). Hosts and ports come from Kafka Streams' metadata (each
 * instance's {@code application.server}); the pGPU UUID in the path is checked before this is called.
 */
final class Peers {

    /** Marks a request one instance forwards to another: answer locally. */
    static final String FORWARDED = "X-Vgpu-Health-Forwarded";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1).build();

    /** The pGPU's view from the instance that owns it. */
    GpuHealthView health(HostInfo owner, String gpuUuid, @Nullable String authorization) {
        HttpResponse<String> response = get(owner, "/api/v1/gpus/" + gpuUuid + "/health", null, authorization);
        if (response.statusCode() == 404) {
            throw new NotFoundException("no health known for pGPU " + gpuUuid);
        }
        if (response.statusCode() != 200) {
            throw unavailable(owner, "answered " + response.statusCode());
        }
        try {
            return EventCodec.json().readValue(response.body(), GpuHealthView.class);
        } catch (JacksonException e) {
            throw unavailable(owner, "answered an unreadable health view: " + e.getOriginalMessage());
        }
    }

    /** Every unhealthy pGPU the peer's partitions hold, page by page. */
    List<GpuHealthView> unhealthy(HostInfo peer, @Nullable String authorization) {
        List<GpuHealthView> all = new ArrayList<>();
        for (int page = 0; ; page++) {
            HttpResponse<String> response = get(peer, "/api/v1/health/unhealthy", "page=" + page + "&size=500",
                    authorization);
            if (response.statusCode() != 200) {
                throw unavailable(peer, "answered " + response.statusCode());
            }
            try {
                JsonNode body = EventCodec.json().readTree(response.body());
                for (JsonNode item : body.path("items")) {
                    all.add(EventCodec.json().treeToValue(item, GpuHealthView.class));
                }
                if (body.path("items").isEmpty() || all.size() >= body.path("total").asLong()) {
                    return all;
                }
            } catch (JacksonException e) {
                throw unavailable(peer, "answered an unreadable list: " + e.getOriginalMessage());
            }
        }
    }

    private HttpResponse<String> get(HostInfo peer, String path, @Nullable String query,
            @Nullable String authorization) {
        try {
            URI uri = new URI("http", null, peer.host(), peer.port(), path, query, null);
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).header(FORWARDED, "1").GET();
            if (authorization != null) {
                // the caller's token: the owner checks it again
                request.header("Authorization", authorization);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (URISyntaxException | IOException e) {
            throw unavailable(peer, "could not be asked: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw unavailable(peer, "was asked, but this request was interrupted");
        }
    }

    private static HealthStreams.StoreUnavailableException unavailable(HostInfo peer, String what) {
        return new HealthStreams.StoreUnavailableException("the health-service instance at " + peer.host() + ":"
                + peer.port() + " " + what);
    }
}
