package io.vgpufleet.lifecycle.vgpus.claims;

import io.vgpufleet.contracts.lifecycle.VgpuSpec;
import io.vgpufleet.lifecycle.vgpus.ClaimsPort;
import io.vgpufleet.lifecycle.vgpus.machine.Action;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus;
import io.vgpufleet.service.claims.ClaimsClient;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The lifecycle's claims through the inventory-service's API ({@link ClaimsClient}): a grant is the machine's
 * {@code ClaimGranted}; a 400 or 422, or a claim answered in a state it does not hold, is refused for good;
 * a 409 (nothing fits now) is asked again within the claim attempts, since concurrent claims that took the
 * room may fail or expire and a request that would fit a moment later should not fail now; anything
 * unreadable is unavailable, and the machine asks again (same claim id) and gives the claim back if it never
 * gets a readable one.
 */
public final class InventoryClaims implements ClaimsPort {

    static final String REQUESTER = "lifecycle-service";

    private final ClaimsClient client;
    private final int ttlSeconds;

    public InventoryClaims(ClaimsClient client, int ttlSeconds) {
        this.client = client;
        this.ttlSeconds = ttlSeconds;
    }

    @Override
    public Stimulus claim(Action.RequestClaim request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("claimId", request.claimId());
        body.put("vmId", request.vmId());
        body.put("requester", REQUESTER);
        body.put("ttlSeconds", ttlSeconds);
        body.put("placement", placement(request.spec()));
        body.put("vgpuUuids", request.vgpuUuids());
        return stimulus(client.claim(body), request.claimId());
    }

    /** What an answer means to the lifecycle machine. Pure. */
    static Stimulus stimulus(ClaimsClient.Answer answer, String claimId) {
        if (answer instanceof ClaimsClient.Granted granted) {
            return new Stimulus.ClaimGranted(granted.hostId(), granted.items().stream()
                    .map(item -> new Stimulus.ClaimItem(item.gpuUuid(), item.pciBdf(), item.typeId(), item.vgpuUuid(),
                            item.numaNode()))
                    .toList());
        }
        if (answer instanceof ClaimsClient.Refused refused) {
            if (refused.status() == 409) {
                // nothing fits now: asked again later, like an unreachable inventory
                return new Stimulus.ClaimUnavailable("nothing fits now (inventory answered 409: " + refused.detail()
                        + reasons(refused) + ")");
            }
            if (refused.status() == 200) {
                return new Stimulus.ClaimRefused("claim " + claimId + ": " + refused.detail());
            }
            return new Stimulus.ClaimRefused("inventory answered " + refused.status() + ": " + refused.detail()
                    + reasons(refused));
        }
        return new Stimulus.ClaimUnavailable("inventory unavailable: " + ((ClaimsClient.Unavailable) answer).reason());
    }

    private static String reasons(ClaimsClient.Refused refused) {
        return refused.reasons().isEmpty() ? "" : " " + refused.reasons();
    }

    @Override
    public Stimulus release(String claimId) {
        ClaimsClient.Release release = client.release(claimId);
        return release instanceof ClaimsClient.ReleaseFailed failed ? new Stimulus.ClaimReleaseFailed(failed.reason())
                : new Stimulus.ClaimReleased();
    }

    /** The {@code POST /api/v1/placements} body for a spec. */
    static Map<String, Object> placement(VgpuSpec spec) {
        Map<String, Object> placement = new LinkedHashMap<>();
        if (spec.typeId() != null) {
            placement.put("typeId", spec.typeId());
        }
        placement.put("count", spec.count());
        placement.put("p2p", spec.p2p());
        if (spec.numaNode() != null) {
            placement.put("numaNode", spec.numaNode());
        }
        placement.put("hostAffinity", spec.hostAffinity());
        placement.put("hostAntiAffinity", spec.hostAntiAffinity());
        placement.put("gpuAffinity", spec.gpuAffinity());
        placement.put("gpuAntiAffinity", spec.gpuAntiAffinity());
        if (spec.minFramebufferMib() > 0) {
            placement.put("minFramebufferMib", spec.minFramebufferMib());
        }
        if (spec.vgpuClass() != null) {
            placement.put("vgpuClass", spec.vgpuClass());
        }
        placement.put("eccRequired", spec.eccRequired());
        if (spec.policy() != null) {
            placement.put("policy", spec.policy());
        }
        return placement;
    }
}
