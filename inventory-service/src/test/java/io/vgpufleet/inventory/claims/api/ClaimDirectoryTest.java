package io.vgpufleet.inventory.claims.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.claims.ClaimState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The directory's view of claims as the placement input reads it, and a tombstone's effect. */
class ClaimDirectoryTest {

    private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final String GPU = "GPU-0000abcd-0000-4000-8000-000000000001";

    private static ClaimChanged claim(String claimId, ClaimState state) {
        return new ClaimChanged(claimId, state, null, "h1", "vm-1", "test",
                List.of(new ClaimItem(GPU, "0000:3b:00.0", "nvidia-232", "00000001-0000-4000-8000-00000000000" + claimId.length(), 0)),
                T0, T0.plusSeconds(60), T0, "cmd-" + claimId, "granted");
    }

    @Test
    void activeClaimsAreHeldCapacityAndATombstoneForgetsAFinalClaim() {
        ClaimDirectory directory = new ClaimDirectory();
        var held = directory.heldCapacity();
        long before = held.version();

        directory.apply(claim("c1", ClaimState.GRANTED));
        assertThat(held.version()).isGreaterThan(before);
        assertThat(held.byHost().get("h1")).singleElement().satisfies(vgpu -> assertThat(vgpu.gpuUuid()).isEqualTo(GPU));

        directory.apply(claim("c1", ClaimState.RELEASED));
        assertThat(held.byHost()).isEmpty();
        assertThat(directory.claim("c1")).get().extracting(ClaimChanged::state).isEqualTo(ClaimState.RELEASED);

        directory.forget("c1");
        assertThat(directory.claim("c1")).isEmpty();
        assertThat(directory.claims()).isEmpty();
    }
}
