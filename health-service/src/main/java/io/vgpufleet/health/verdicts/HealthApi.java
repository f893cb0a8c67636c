package io.vgpufleet.health.verdicts;

import io.vgpufleet.contracts.health.GpuCordonChanged;
import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.health.streams.HealthStreams;
import io.vgpufleet.service.web.InvalidRequestException;
import io.vgpufleet.service.web.NotFoundException;
import io.vgpufleet.service.web.Page;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.streams.state.HostInfo;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The verdicts over REST. Reads come from the Kafka Streams store of the instance that owns the pGPU: a query
 * for a pGPU owned by another instance is forwarded to it, and the unhealthy list merges every instance's (see
 * {@link Peers}; with one instance everything is local). A manual cordon is published with actor {@code operator} (authentication comes with the
 * operations issue); the policy reads it back and never lifts it.
 */
@RestController
@RequestMapping("/api/v1")
class HealthApi {

    static final String OPERATOR = "operator";

    private final HealthStreams streams;
    private final EventPublisher publisher;
    private final Clock clock;
    private final Peers peers = new Peers();

    HealthApi(HealthStreams streams, EventPublisher publisher, Clock clock) {
        this.streams = streams;
        this.publisher = publisher;
        this.clock = clock;
    }

    @GetMapping("/gpus/{gpuUuid}/health")
    GpuHealthView health(@PathVariable String gpuUuid,
            @RequestHeader(value = Peers.FORWARDED, required = false) String forwarded,
            @RequestHeader(value = "Authorization", required = false) String authorization) {
        return view(gpuUuid, forwarded != null, authorization);
    }

    @GetMapping("/health/unhealthy")
    Page<GpuHealthView> unhealthy(
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size,
            @RequestHeader(value = Peers.FORWARDED, required = false) String forwarded,
            @RequestHeader(value = "Authorization", required = false) String authorization) {
        List<GpuHealthView> unhealthy = new ArrayList<>(streams.states().stream()
                .filter(state -> state.health() != GpuHealth.HEALTHY)
                .map(GpuHealthView::of)
                .toList());
        if (forwarded == null) {
            streams.otherInstances().forEach(peer -> unhealthy.addAll(peers.unhealthy(peer, authorization)));
        }
        unhealthy.sort(Comparator.comparing(GpuHealthView::health).reversed().thenComparing(GpuHealthView::gpuUuid));
        return Page.of(unhealthy, page, size);
    }

    @PostMapping("/gpus/{gpuUuid}/cordon")
    @ResponseStatus(HttpStatus.ACCEPTED)
    GpuCordonChanged cordon(@PathVariable String gpuUuid, @RequestBody(required = false) CordonRequest request,
            @RequestHeader(value = "Authorization", required = false) String authorization) {
        return publish(gpuUuid, true, request, authorization);
    }

    @PostMapping("/gpus/{gpuUuid}/uncordon")
    @ResponseStatus(HttpStatus.ACCEPTED)
    GpuCordonChanged uncordon(@PathVariable String gpuUuid, @RequestBody(required = false) CordonRequest request,
            @RequestHeader(value = "Authorization", required = false) String authorization) {
        return publish(gpuUuid, false, request, authorization);
    }

    @ExceptionHandler(HealthStreams.StoreUnavailableException.class)
    ProblemDetail unavailable(HealthStreams.StoreUnavailableException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.SERVICE_UNAVAILABLE, e.getMessage());
        problem.setTitle("Health state not available yet");
        return problem;
    }

    private GpuCordonChanged publish(String gpuUuid, boolean cordoned, CordonRequest request, String authorization) {
        String reason = reason(request);
        GpuHealthView known = view(gpuUuid, false, authorization);
        GpuCordonChanged change = new GpuCordonChanged(
                known.gpuUuid(), known.hostId(), cordoned, reason, OPERATOR, clock.instant());
        try {
            publisher.publish(change).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the cordon", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not publish the cordon: " + e.getMessage(), e);
        }
        return change;
    }

    private static String reason(CordonRequest request) {
        if (request == null || request.reason() == null || request.reason().isBlank()) {
            throw new InvalidRequestException("a body {\"reason\": \"...\"} with a non-blank reason is required");
        }
        String reason = request.reason().strip();
        if (reason.length() > CordonRequest.MAX_REASON) {
            throw new InvalidRequestException("reason must be at most " + CordonRequest.MAX_REASON
                    + " characters, was " + reason.length());
        }
        if (reason.codePoints().anyMatch(Character::isISOControl)) {
            throw new InvalidRequestException("reason must not contain control characters");
        }
        return reason;
    }

    /** The pGPU's view from the instance that owns it: this one, or (unless {@code localOnly}) the owner. */
    private GpuHealthView view(String gpuUuid, boolean localOnly, String authorization) {
        try {
            Checks.validGpuUuid(gpuUuid, "gpuUuid");
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException(String.valueOf(e.getMessage()));
        }
        if (!localOnly) {
            Optional<HostInfo> owner = streams.remoteOwnerOf(gpuUuid);
            if (owner.isPresent()) {
                return peers.health(owner.get(), gpuUuid, authorization);
            }
        }
        return streams.state(gpuUuid).map(GpuHealthView::of)
                .orElseThrow(() -> new NotFoundException("no health known for pGPU " + gpuUuid));
    }
}
