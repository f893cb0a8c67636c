package io.vgpufleet.migration.claims;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.migration.sagas.ClaimAnswer;
import io.vgpufleet.migration.sagas.SagaEffect;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the inventory's answers to a claim are read (the HTTP exchange itself runs in the system tests). */
class InventoryClaimsTest {

    private static final String GPU = "GPU-00000001-0000-4000-8000-000000000000";
    private static final SagaEffect.RequestClaim REQUEST = new SagaEffect.RequestClaim(
            "5d0c6f0e-2f0b-3f43-9d3c-0b6b1f1f0a11", "mig-1", "vm-7", "nvidia-289", "tgt-a", GPU, "0000:3b:00.0",
            "a1b2c3d4-0000-4000-8000-000000000002", Duration.ofMinutes(10));

    private final InventoryClaims claims = new InventoryClaims(URI.create("http://127.0.0.1:1"), Duration.ofSeconds(1),
            java.util.Optional::empty);

    @Test
    void aGrantOnThePinnedPgpuIsGranted() {
        ClaimAnswer answer = claims.answer(REQUEST, 201, "{\"claimId\":\"" + REQUEST.claimId() + "\",\"state\":\"GRANTED\","
                + "\"hostId\":\"tgt-a\",\"items\":[{\"gpuUuid\":\"" + GPU + "\",\"pciBdf\":\"0000:3b:00.0\"}]}");

        assertThat(answer).isEqualTo(new ClaimAnswer.Granted(REQUEST.claimId(), "tgt-a", GPU, "0000:3b:00.0"));
    }

    @Test
    void aConflictIsARefusalWithTheInventorysReasonsAndAGrantElsewhereIsRefusedToo() {
        assertThat(claims.answer(REQUEST, 409, "{\"detail\":\"no room\",\"reasons\":[{\"hostId\":\"tgt-a\",\"gpuUuid\":\""
                + GPU + "\",\"reason\":\"NO_CAPACITY\"},{\"reason\":\"CORDONED\"}]}"))
                .isEqualTo(new ClaimAnswer.Refused(REQUEST.claimId(), "NO_CAPACITY; CORDONED"));
        assertThat(claims.answer(REQUEST, 201, "{\"hostId\":\"tgt-b\",\"items\":[{\"gpuUuid\":\"" + GPU + "\"}]}"))
                .isInstanceOf(ClaimAnswer.Refused.class);
    }

    @Test
    void anythingElseOrAnUnreadableBodyOrNoAnswerIsUnavailable() {
        assertThat(claims.answer(REQUEST, 503, "")).isInstanceOf(ClaimAnswer.Unavailable.class);
        assertThat(claims.answer(REQUEST, 201, "not json")).isInstanceOf(ClaimAnswer.Unavailable.class);
        assertThat(claims.claim(REQUEST)).isInstanceOf(ClaimAnswer.Unavailable.class);
        assertThat(claims.release(new SagaEffect.ReleaseClaim(REQUEST.claimId(), "mig-1")))
                .isInstanceOf(ClaimAnswer.Unavailable.class);
    }
}
