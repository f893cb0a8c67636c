package io.vgpufleet.sandbox.process;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HealthWaitTest {

    private static final Duration POLL = Duration.ofMillis(20);

    private HttpServer server;
    private final AtomicInteger calls = new AtomicInteger();

    @BeforeEach
    void startServer() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // answers 503 twice (still starting), then 200
        server.createContext("/slow", exchange -> {
            int status = calls.incrementAndGet() <= 2 ? 503 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.createContext("/down", exchange -> {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    @Test
    void waitsThroughFailedAnswersUntilTheEndpointAnswers200() throws Exception {
        HealthWait.Result result = new HealthWait(POLL)
                .await(List.of(new HealthWait.Target("slow", url("/slow"), () -> true)), Duration.ofSeconds(30));

        assertThat(result.allUp()).isTrue();
        assertThat(result.up()).containsExactly("slow");
        assertThat(calls.get()).isEqualTo(3);
    }

    @Test
    void anEndpointThatNeverAnswers200IsReportedWithItsLastAnswerWhenTimeRunsOut() throws Exception {
        HealthWait.Result result = new HealthWait(POLL)
                .await(List.of(new HealthWait.Target("down", url("/down"), () -> true)), Duration.ofMillis(300));

        assertThat(result.up()).isEmpty();
        assertThat(result.notUp()).containsOnlyKeys("down");
        assertThat(result.notUp().get("down")).contains("did not answer 200 within", "last: HTTP 503");
    }

    @Test
    void aTargetWhoseProcessEndedIsGivenUpAtOnce() throws Exception {
        int closedPort = Ports.anyFree();
        URI nobody = URI.create("http://127.0.0.1:" + closedPort + "/healthz");

        long begin = System.nanoTime();
        HealthWait.Result result = new HealthWait(POLL)
                .await(List.of(new HealthWait.Target("crashed", nobody, () -> false)), Duration.ofSeconds(60));

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(30));
        assertThat(result.notUp()).containsEntry("crashed", "its process ended before " + nobody + " answered 200");
    }

    @Test
    void aCancelledWaitEndsAtOnceAndCallsThePendingTargetsCancelled() throws Exception {
        long begin = System.nanoTime();
        HealthWait.Result result = new HealthWait(POLL).await(
                List.of(new HealthWait.Target("down", url("/down"), () -> true)), Duration.ofSeconds(60), () -> true);

        assertThat(Duration.ofNanos(System.nanoTime() - begin)).isLessThan(Duration.ofSeconds(30));
        assertThat(result.notUp()).containsEntry("down", "cancelled");
    }
}
