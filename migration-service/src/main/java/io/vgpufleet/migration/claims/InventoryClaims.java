package io.vgpufleet.migration.claims;

import io.vgpufleet.migration.sagas.ClaimAnswer;
import io.vgpufleet.migration.sagas.SagaEffect;
import io.vgpufleet.service.claims.ClaimsClient;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Claims through the inventory-service's API ({@link ClaimsClient}): the claim id is the idempotency key, the
 * placement pins the target host and pGPU and the type, and the claim names the target vGPU's UUID, so the
 * inventory confirms it when the target's snapshot shows that vGPU. A grant on the pinned pGPU is granted, a
 * grant anywhere else or a claim answered in a state it does not hold is refused, a 409 is refused with the
 * inventory's reasons, anything else (a 400, no answer, an unreadable one) unavailable.
 */
public final class InventoryClaims implements TargetClaims {

    static final String REQUESTER = "migration-service";

    private final ClaimsClient client;

    public InventoryClaims(ClaimsClient client) {
        this.client = client;
    }

    @Override
    public ClaimAnswer claim(SagaEffect.RequestClaim request) {
        Map<String, Object> placement = new LinkedHashMap<>();
        placement.put("typeId", request.typeId());
        placement.put("count", 1);
        placement.put("hostAffinity", List.of(request.hostId()));
        placement.put("gpuAffinity", List.of(request.gpuUuid()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("claimId", request.claimId());
        body.put("vmId", request.vmId());
        body.put("requester", REQUESTER);
        body.put("ttlSeconds", Math.max(1, Math.min(3600, request.ttl().toSeconds())));
        body.put("placement", placement);
        body.put("vgpuUuids", List.of(request.vgpuUuid()));
        return answer(request, client.claim(body));
    }

    /** What the inventory's answer means to the saga; a grant must be one item on the pinned pGPU. Pure. */
    static ClaimAnswer answer(SagaEffect.RequestClaim request, ClaimsClient.Answer answer) {
        if (answer instanceof ClaimsClient.Granted granted) {
            if (!granted.hostId().equals(request.hostId()) || granted.items().size() != 1) {
                return new ClaimAnswer.Refused(request.claimId(), "the inventory granted another place ("
                        + granted.hostId() + ", " + granted.items().size() + " items) than the pinned target");
            }
            ClaimsClient.Item item = granted.items().get(0);
            if (!item.gpuUuid().equals(request.gpuUuid())) {
                return new ClaimAnswer.Refused(request.claimId(), "the inventory granted pGPU " + item.gpuUuid()
                        + " instead of the pinned " + request.gpuUuid());
            }
            return new ClaimAnswer.Granted(request.claimId(), granted.hostId(), item.gpuUuid(), item.pciBdf());
        }
        if (answer instanceof ClaimsClient.Refused refused && (refused.status() == 409 || refused.status() == 200)) {
            return new ClaimAnswer.Refused(request.claimId(), refused.summary());
        }
        if (answer instanceof ClaimsClient.Refused refused) {
            return new ClaimAnswer.Unavailable(request.claimId(), "inventory answered HTTP " + refused.status() + ": "
                    + refused.summary());
        }
        return new ClaimAnswer.Unavailable(request.claimId(), ((ClaimsClient.Unavailable) answer).reason());
    }

    @Override
    public ClaimAnswer release(SagaEffect.ReleaseClaim release) {
        ClaimsClient.Release answer = client.release(release.claimId());
        return answer instanceof ClaimsClient.ReleaseFailed failed
                ? new ClaimAnswer.Unavailable(release.claimId(), failed.reason())
                : new ClaimAnswer.Released(release.claimId());
    }
}
