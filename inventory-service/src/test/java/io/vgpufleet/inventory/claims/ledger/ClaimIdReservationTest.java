package io.vgpufleet.inventory.claims.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.claims.ClaimState;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** The claim id's reservation: one host per claim id at a time, freed by the claim's end or its refusal. */
class ClaimIdReservationTest {

    private static final Instant T0 = Instant.parse("2026-12-02T12:00:00Z");
    private static final String CAPACITY = "vgpu.inventory.claim-capacity.v1";
    private static final String ID = UUID.randomUUID().toString();
    private int commands;

    @Test
    void aFreeIdIsReservedForTheFirstClaimsHostAndTheClaimGoesOn() {
        ClaimCapacity claim = claim("host-a");

        ClaimIdReservation reserved = forwarded(ClaimIdReservation.reserve(null, claim, CAPACITY, T0));

        assertThat(reserved).isEqualTo(new ClaimIdReservation(ID, "host-a", List.of(claim.commandId()), false));
    }

    @Test
    void aClaimForTheIdOnAnotherHostIsRefusedNamingTheHostWhetherPendingOrGranted() {
        ClaimCapacity first = claim("host-a");
        ClaimIdReservation pending = forwarded(ClaimIdReservation.reserve(null, first, CAPACITY, T0));
        ClaimIdReservation granted = ClaimIdReservation.changed(pending, change(first, ClaimState.GRANTED));
        assertThat(granted).isEqualTo(new ClaimIdReservation(ID, "host-a", List.of(), true));

        for (ClaimIdReservation held : List.of(pending, granted)) {
            ClaimCapacity other = claim("host-b");
            var decision = ClaimIdReservation.reserve(held, other, CAPACITY, T0);

            assertThat(decision).isInstanceOf(ClaimIdReservation.Refuse.class);
            ClaimCommandRefused refusal = ((ClaimIdReservation.Refuse) decision).refusal();
            assertThat(refusal.commandId()).isEqualTo(other.commandId());
            assertThat(refusal.hostId()).isEqualTo("host-b");
            assertThat(refusal.claimId()).isEqualTo(ID);
            assertThat(refusal.reasons()).singleElement().satisfies(reason -> {
                assertThat(reason.code()).isEqualTo(RefusalCode.CLAIM_ID_HELD.name());
                assertThat(reason.detail()).contains("host-a");
            });
            // this step's own refusal, read back, changes nothing
            assertThat(ClaimIdReservation.refused(held, refusal)).isSameAs(held);
        }
    }

    @Test
    void aRetryForTheSameHostGoesOnToItsLedgerWhichAnswersTheClaimItHolds() {
        ClaimCapacity first = claim("host-a");
        ClaimIdReservation granted = ClaimIdReservation.changed(
                forwarded(ClaimIdReservation.reserve(null, first, CAPACITY, T0)), change(first, ClaimState.GRANTED));
        ClaimCapacity retry = claim("host-a");

        ClaimIdReservation again = forwarded(ClaimIdReservation.reserve(granted, retry, CAPACITY, T0));

        assertThat(again).isEqualTo(new ClaimIdReservation(ID, "host-a", List.of(retry.commandId()), true));
        assertThat(ClaimIdReservation.changed(again, change(retry, ClaimState.GRANTED))).isEqualTo(granted);
    }

    @Test
    void aRefusalByTheLedgerFreesTheIdOnlyWhenNothingElseIsOnItsWayAndNothingWasGranted() {
        ClaimCapacity first = claim("host-a");
        ClaimCapacity second = claim("host-a");
        ClaimIdReservation two = forwarded(ClaimIdReservation.reserve(
                forwarded(ClaimIdReservation.reserve(null, first, CAPACITY, T0)), second, CAPACITY, T0));

        ClaimIdReservation one = ClaimIdReservation.refused(two, refusal(first, "NO_CAPACITY"));
        assertThat(one).isEqualTo(new ClaimIdReservation(ID, "host-a", List.of(second.commandId()), false));
        assertThat(ClaimIdReservation.refused(one, refusal(second, "NO_CAPACITY"))).isNull();

        // the next candidate of the same POST, on another host, then gets the id
        assertThat(forwarded(ClaimIdReservation.reserve(null, claim("host-b"), CAPACITY, T0)).hostId())
                .isEqualTo("host-b");
    }

    @Test
    void theClaimsEndFreesTheIdUnlessAClaimForItIsStillOnItsWay() {
        ClaimCapacity first = claim("host-a");
        ClaimIdReservation granted = ClaimIdReservation.changed(
                forwarded(ClaimIdReservation.reserve(null, first, CAPACITY, T0)), change(first, ClaimState.GRANTED));
        assertThat(ClaimIdReservation.changed(granted, change(first, ClaimState.RELEASED))).isNull();
        assertThat(ClaimIdReservation.changed(granted, change(first, ClaimState.EXPIRED))).isNull();

        ClaimCapacity late = claim("host-a");
        ClaimIdReservation withLate = forwarded(ClaimIdReservation.reserve(granted, late, CAPACITY, T0));
        ClaimIdReservation ended = ClaimIdReservation.changed(withLate, change(first, ClaimState.RELEASED));
        // the late claim may be granted anew on host-a: host-b must still wait for its outcome
        assertThat(ended).isEqualTo(new ClaimIdReservation(ID, "host-a", List.of(late.commandId()), false));
        assertThat(ClaimIdReservation.reserve(ended, claim("host-b"), CAPACITY, T0))
                .isInstanceOf(ClaimIdReservation.Refuse.class);
    }

    @Test
    void anActiveClaimWithoutAReservationReservesItsHostAndAFinalOneReservesNothing() {
        ClaimCapacity old = claim("host-a");

        assertThat(ClaimIdReservation.changed(null, change(old, ClaimState.CONFIRMED)))
                .isEqualTo(new ClaimIdReservation(ID, "host-a", List.of(), true));
        assertThat(ClaimIdReservation.changed(null, change(old, ClaimState.EXPIRED))).isNull();
    }

    @Test
    void anotherHostsRecordOfTheIdLeavesTheReservationAsItIs() {
        ClaimCapacity mine = claim("host-a");
        ClaimIdReservation held = forwarded(ClaimIdReservation.reserve(null, mine, CAPACITY, T0));

        assertThat(ClaimIdReservation.changed(held, change(claim("host-b"), ClaimState.EXPIRED))).isSameAs(held);
        assertThat(ClaimIdReservation.changed(held, change(claim("host-b"), ClaimState.GRANTED))).isSameAs(held);
        assertThat(ClaimIdReservation.refused(null, refusal(mine, "NO_CAPACITY"))).isNull();
    }

    @Test
    void twoHostsRacingForOneIdInAnyOrderEndWithOneClaimSentOn() {
        // whichever request is taken first, the other is refused: the ledger of only one host sees the claim
        for (boolean aFirst : List.of(true, false)) {
            ClaimCapacity onA = claim("host-a");
            ClaimCapacity onB = claim("host-b");
            ClaimCapacity first = aFirst ? onA : onB;
            ClaimCapacity second = aFirst ? onB : onA;
            ClaimIdReservation held = forwarded(ClaimIdReservation.reserve(null, first, CAPACITY, T0));

            assertThat(ClaimIdReservation.reserve(held, second, CAPACITY, T0)).isInstanceOf(ClaimIdReservation.Refuse.class);
            assertThat(held.hostId()).isEqualTo(first.hostId());
        }
    }

    private static ClaimIdReservation forwarded(ClaimIdReservation.Decision decision) {
        assertThat(decision).isInstanceOf(ClaimIdReservation.Forward.class);
        return ((ClaimIdReservation.Forward) decision).reservation();
    }

    private ClaimCapacity claim(String hostId) {
        return new ClaimCapacity("cmd-" + (++commands), ID, hostId, "vm-1", "test", 60, List.of(new ClaimItem(
                "GPU-" + UUID.randomUUID(), "0000:10:00.0", "nvidia-222", UUID.randomUUID().toString(), 0)), T0);
    }

    private static ClaimChanged change(ClaimCapacity claim, ClaimState state) {
        @Nullable ClaimState previous = state == ClaimState.GRANTED ? null : ClaimState.GRANTED;
        return new ClaimChanged(ID, state, previous, claim.hostId(), claim.vmId(), claim.requester(), claim.items(), T0,
                T0.plusSeconds(60), T0, claim.commandId(), state.name().toLowerCase(java.util.Locale.ROOT));
    }

    private static ClaimCommandRefused refusal(ClaimCapacity claim, String code) {
        return new ClaimCommandRefused(claim.commandId(), ID, claim.hostId(), CAPACITY,
                List.of(new ClaimCommandRefused.Reason(null, code, "refused")), T0);
    }
}
