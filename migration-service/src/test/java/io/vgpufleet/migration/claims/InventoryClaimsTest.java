package io.vgpufleet.migration.claims;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.migration.sagas.ClaimAnswer;
import io.vgpufleet.migration.sagas.SagaEffect;
import io.vgpufleet.service.claims.ClaimsClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What the inventory's answers to a claim mean to a saga (reading them is ClaimsClient's; HTTP runs in the system tests). */
class InventoryClaimsTest {

    private static final String GPU = "GPU-00000001-0000-4000-8000-000000000000";
    private static final String OTHER_GPU = "GPU-00000002-0000-4000-8000-000000000000";
    private static final SagaEffect.RequestClaim REQUEST = new SagaEffect.RequestClaim(
            "5d0c6f0e-2f0b-3f43-9d3c-0b6b1f1f0a11", "mig-1", "vm-7", "nvidia-289", "tgt-a", GPU, "0000:3b:00.0",
            "a1b2c3d4-0000-4000-8000-000000000002", Duration.ofMinutes(10));

    private static ClaimsClient.Granted grant(String host, String gpu) {
        return new ClaimsClient.Granted(host, List.of(new ClaimsClient.Item(gpu, "0000:3b:00.0", "nvidia-289",
                REQUEST.vgpuUuid(), 0)));
    }

    @Test
    void aGrantOnThePinnedPgpuIsGranted() {
        assertThat(InventoryClaims.answer(REQUEST, grant("tgt-a", GPU)))
                .isEqualTo(new ClaimAnswer.Granted(REQUEST.claimId(), "tgt-a", GPU, "0000:3b:00.0"));
    }

    @Test
    void aGrantElsewhereAConflictOrAClaimNotHeldIsARefusalWithTheReasons() {
        assertThat(InventoryClaims.answer(REQUEST, grant("tgt-b", GPU))).isInstanceOf(ClaimAnswer.Refused.class);
        assertThat(InventoryClaims.answer(REQUEST, grant("tgt-a", OTHER_GPU))).isInstanceOf(ClaimAnswer.Refused.class);
        assertThat(InventoryClaims.answer(REQUEST, new ClaimsClient.Refused(409, "no room", List.of("NO_CAPACITY",
                "CORDONED")))).isEqualTo(new ClaimAnswer.Refused(REQUEST.claimId(), "NO_CAPACITY; CORDONED"));
        assertThat(InventoryClaims.answer(REQUEST, new ClaimsClient.Refused(200, "the claim is EXPIRED", List.of())))
                .isEqualTo(new ClaimAnswer.Refused(REQUEST.claimId(), "the claim is EXPIRED"));
    }

    @Test
    void aBadRequestAnUnreadableAnswerOrNoAnswerIsUnavailable() {
        assertThat(InventoryClaims.answer(REQUEST, new ClaimsClient.Refused(400, "bad", List.of())))
                .isInstanceOf(ClaimAnswer.Unavailable.class);
        assertThat(InventoryClaims.answer(REQUEST, new ClaimsClient.Unavailable("unreadable")))
                .isEqualTo(new ClaimAnswer.Unavailable(REQUEST.claimId(), "unreadable"));
        InventoryClaims nobody = new InventoryClaims(new ClaimsClient(HttpClient.newHttpClient(),
                URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1), Optional::empty));
        assertThat(nobody.claim(REQUEST)).isInstanceOf(ClaimAnswer.Unavailable.class);
        assertThat(nobody.release(new SagaEffect.ReleaseClaim(REQUEST.claimId(), "mig-1")))
                .isInstanceOf(ClaimAnswer.Unavailable.class);
    }
}
