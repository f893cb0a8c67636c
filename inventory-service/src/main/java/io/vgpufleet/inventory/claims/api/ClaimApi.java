package io.vgpufleet.inventory.claims.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.claims.ClaimState;
import io.vgpufleet.service.web.InvalidFieldException;
import io.vgpufleet.service.web.NotFoundException;
import io.vgpufleet.service.web.Page;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code /api/v1/claims}: reserve capacity atomically (POST), read claims (GET), release (DELETE) and
 * extend them. Any instance serves any claim: each reads every claim from the compacted claim topic.
 */
@RestController
@RequestMapping("/api/v1/claims")
class ClaimApi {

    static final URI CLAIM_REFUSED = URI.create("https://vgpu-fleet.io/problems/claim-refused");
    static final URI CLAIM_NOT_GRANTED = URI.create("https://vgpu-fleet.io/problems/claim-not-granted");

    private final ClaimService claims;
    private final ClaimDirectory directory;

    ClaimApi(ClaimService claims, ClaimDirectory directory) {
        this.claims = claims;
        this.directory = directory;
    }

    @PostMapping
    ResponseEntity<ClaimView> claim(@RequestBody Map<String, Object> body) throws InterruptedException {
        ClaimRequest request = ClaimRequest.of(body);
        ClaimService.Result result = claims.claim(request);
        if (result instanceof ClaimService.Existing existing) {
            return ResponseEntity.ok(ClaimView.of(existing.claim(), null));
        }
        if (result instanceof ClaimService.Granted granted) {
            return ResponseEntity.created(URI.create("/api/v1/claims/" + request.claimId()))
                    .body(ClaimView.of(granted.claim(), granted.attempts()));
        }
        throw refusedProblem((ClaimService.Refused) result);
    }

    @GetMapping("/{claimId}")
    ClaimView get(@PathVariable String claimId) {
        return ClaimView.of(known(claimId), null);
    }

    @GetMapping
    Page<ClaimView> list(@RequestParam(required = false) @Nullable String hostId,
            @RequestParam(required = false) @Nullable String vmId, @RequestParam(required = false) @Nullable String state,
            @RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        ClaimState wanted = state == null ? null : state(state);
        List<ClaimView> all = directory.claims().stream()
                .filter(claim -> hostId == null || claim.hostId().equals(hostId))
                .filter(claim -> vmId == null || claim.vmId().equals(vmId))
                .filter(claim -> wanted == null || claim.state() == wanted)
                .map(claim -> ClaimView.of(claim, null))
                .toList();
        return Page.of(all, page, size);
    }

    @DeleteMapping("/{claimId}")
    ResponseEntity<Void> release(@PathVariable String claimId) throws InterruptedException {
        claims.release(known(claimId), "released by DELETE");
        return ResponseEntity.noContent().build();
    }

    @PostMapping("/{claimId}/extend")
    ClaimView extend(@PathVariable String claimId, @RequestBody Map<String, Object> body) throws InterruptedException {
        int ttl = ClaimRequest.extension(body);
        ClaimChanged claim = known(claimId);
        if (claim.state() != ClaimState.GRANTED) {
            throw notGranted(claimId, claim.state().name());
        }
        ClaimDirectory.Outcome outcome = claims.extend(claim, ttl);
        if (outcome instanceof ClaimDirectory.Changed changed) {
            return ClaimView.of(changed.claim(), null);
        }
        throw notGranted(claimId, ((ClaimDirectory.Refused) outcome).refusal().reasons().get(0).detail());
    }

    private ClaimChanged known(String claimId) {
        try {
            Checks.identifier(claimId, "claimId");
        } catch (IllegalArgumentException refused) {
            throw new NotFoundException("no claim '" + Checks.printable(claimId, 40) + "'");
        }
        return directory.claim(claimId).orElseThrow(() -> new NotFoundException("no claim " + claimId));
    }

    private static ClaimState state(String value) {
        try {
            return ClaimState.valueOf(value.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            throw new InvalidFieldException("state", "must be one of GRANTED, CONFIRMED, RELEASED, EXPIRED, was '"
                    + Checks.printable(value, 40) + "'");
        }
    }

    private static ErrorResponseException refusedProblem(ClaimService.Refused refused) {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.CONFLICT);
        problem.setType(CLAIM_REFUSED);
        problem.setTitle("Claim refused");
        problem.setDetail(refused.reasons().isEmpty()
                ? "no candidate could be claimed"
                : "no candidate could be claimed after " + refused.attempts() + " attempts; reasons: "
                        + refused.reasons().size());
        problem.setProperty("reasons", refused.reasons());
        problem.setProperty("attempts", refused.attempts());
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }

    private static ErrorResponseException notGranted(String claimId, String why) {
        ProblemDetail problem = ProblemDetail.forStatus(HttpStatus.CONFLICT);
        problem.setType(CLAIM_NOT_GRANTED);
        problem.setTitle("Claim not GRANTED");
        problem.setDetail("claim " + claimId + " cannot be extended: " + why);
        return new ErrorResponseException(HttpStatus.CONFLICT, problem, null);
    }

    /**
     * A claim as the API shows it.
     *
     * @param attempts candidates sent to a ledger; only in the answer to the POST that granted it
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record ClaimView(String claimId, ClaimState state, String vmId, String requester, String hostId, Instant expiresAt,
            Instant createdAt, List<ClaimItem> items, @Nullable Integer attempts) {

        static ClaimView of(ClaimChanged claim, @Nullable Integer attempts) {
            return new ClaimView(claim.claimId(), claim.state(), claim.vmId(), claim.requester(), claim.hostId(),
                    claim.expiresAt(), claim.createdAt(), claim.items(), attempts);
        }
    }
}
