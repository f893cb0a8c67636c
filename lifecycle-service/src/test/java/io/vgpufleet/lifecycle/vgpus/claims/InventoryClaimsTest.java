package io.vgpufleet.lifecycle.vgpus.claims;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.lifecycle.vgpus.machine.Stimulus;
import io.vgpufleet.service.claims.ClaimsClient;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the inventory's answers mean to the lifecycle machine (reading them is ClaimsClient's). */
class InventoryClaimsTest {

    private static final String GPU = "GPU-00000001-0000-4000-8000-000000000000";
    private static final String VGPU = "a1b2c3d4-0000-4000-8000-000000000002";

    @Test
    void aGrantGivesItsHostAndItems() {
        assertThat(InventoryClaims.stimulus(new ClaimsClient.Granted("h-1", List.of(new ClaimsClient.Item(GPU,
                "0000:3b:00.0", "nvidia-289", VGPU, 1))), "c-1"))
                .isEqualTo(new Stimulus.ClaimGranted("h-1", List.of(new Stimulus.ClaimItem(GPU, "0000:3b:00.0",
                        "nvidia-289", VGPU, 1))));
    }

    @Test
    void nothingFitsNowIsAskedAgainButABadRequestOrAClaimNotHeldIsRefusedForGood() {
        assertThat(InventoryClaims.stimulus(new ClaimsClient.Refused(409, "no room", List.of("NO_CAPACITY")), "c-1"))
                .isEqualTo(new Stimulus.ClaimUnavailable("nothing fits now (inventory answered 409: no room [NO_CAPACITY])"));
        assertThat(InventoryClaims.stimulus(new ClaimsClient.Refused(400, "bad type", List.of()), "c-1"))
                .isEqualTo(new Stimulus.ClaimRefused("inventory answered 400: bad type"));
        assertThat(InventoryClaims.stimulus(new ClaimsClient.Refused(200, "the claim is EXPIRED", List.of()), "c-1"))
                .isEqualTo(new Stimulus.ClaimRefused("claim c-1: the claim is EXPIRED"));
        assertThat(InventoryClaims.stimulus(new ClaimsClient.Unavailable("unreachable"), "c-1"))
                .isEqualTo(new Stimulus.ClaimUnavailable("inventory unavailable: unreachable"));
    }
}
