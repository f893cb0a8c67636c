package io.vgpufleet.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * A small JSON-over-HTTP client for the tests; every call waits at most {@link #TIMEOUT} and carries the
 * run's operator token ({@link SystemUnderTest}) unless the call sets {@code Authorization} itself.
 */
public final class Http {

    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .version(HttpClient.Version.HTTP_1_1)
            .build();

    private static volatile String authorization;

    /** What came back: status and body (a problem document for 4xx/5xx). */
    public record Response(int status, String body) {}

    private Http() {}

    public static Response get(URI url) {
        return send(HttpRequest.newBuilder(url).GET(), Map.of());
    }

    public static Response post(URI url, String json) {
        return post(url, json, Map.of());
    }

    /** POST with extra headers, e.g. {@code Authorization}. */
    public static Response post(URI url, String json, Map<String, String> headers) {
        return send(HttpRequest.newBuilder(url).POST(HttpRequest.BodyPublishers.ofString(json))
                .header("Content-Type", "application/json"), headers);
    }

    public static Response delete(URI url) {
        return send(HttpRequest.newBuilder(url).DELETE(), Map.of());
    }

    /** The {@code Authorization} value every call carries from now on (the system sets an operator's). */
    static void authorizeWith(String value) {
        authorization = value;
    }

    public static Response send(HttpRequest.Builder request, Map<String, String> headers) {
        headers.forEach(request::header);
        String token = authorization;
        if (token != null && headers.keySet().stream().noneMatch("Authorization"::equalsIgnoreCase)) {
            request.header("Authorization", token);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.timeout(TIMEOUT).build(),
                    HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
