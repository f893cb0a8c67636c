package io.vgpufleet.inventory.claims.ledger;

import static io.vgpufleet.inventory.claims.ledger.SimulatedHost.T4_4Q;
import static io.vgpufleet.inventory.claims.ledger.SimulatedHost.T4_8Q;
import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimCommandRefused;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.claims.ClaimState;
import io.vgpufleet.contracts.claims.ExtendClaim;
import io.vgpufleet.contracts.claims.ReleaseClaim;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class HostLedgerTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:10Z");
    private static final String CLAIM = "vgpu.inventory.claim-capacity.v1";

    private final SimulatedHost host = new SimulatedHost("host-a", 2, false);
    private final String gpu0 = host.gpus.get(0);
    private final String gpu1 = host.gpus.get(1);
    private int ids;

    private HostLedger fresh() {
        return HostLedger.empty("host-a").snapshot(host.snapshot(), T0).ledger();
    }

    private ClaimCapacity claim(String claimId, ClaimItem... items) {
        return new ClaimCapacity("cmd-" + (++ids), claimId, "host-a", "vm-1", "test", 60, List.of(items), T0);
    }

    private static ClaimItem item(String gpu, String type) {
        return new ClaimItem(gpu, SimulatedHost.bdf(0), type, UUID.randomUUID().toString(), 0);
    }

    private static List<String> codes(HostLedger.Outcome outcome) {
        return outcome.refusal().map(ClaimCommandRefused::reasons).orElseThrow().stream()
                .map(ClaimCommandRefused.Reason::code).toList();
    }

    @Test
    void refusesEveryClaimUntilTheHostHasSentASnapshot() {
        HostLedger.Outcome outcome = HostLedger.empty("host-a").claim(claim("c1", item(gpu0, T4_4Q)), CLAIM, T0);
        assertThat(codes(outcome)).containsExactly("NO_SNAPSHOT");
        assertThat(outcome.ledger().claims()).isEmpty();
    }

    @Test
    void grantsUpToTheAvailableInstancesAndRefusesTheNextWithNoCapacity() {
        host.create(gpu0, T4_4Q, UUID.randomUUID().toString());
        HostLedger ledger = fresh();
        for (int i = 0; i < 3; i++) {
            HostLedger.Outcome granted = ledger.claim(claim("c" + i, item(gpu0, T4_4Q)), CLAIM, T0);
            assertThat(granted.changes()).singleElement().satisfies(change -> {
                assertThat(change.state()).isEqualTo(ClaimState.GRANTED);
                assertThat(change.expiresAt()).isEqualTo(T0.plusSeconds(60));
            });
            ledger = granted.ledger();
        }
        HostLedger.Outcome refused = ledger.claim(claim("c9", item(gpu0, T4_4Q)), CLAIM, T0);
        assertThat(codes(refused)).containsExactly("MAX_INSTANCES");
        assertThat(refused.ledger()).isSameAs(ledger);
    }

    @Test
    void refusesAnotherTypeOnAHomogeneousPgpuWhileAClaimHoldsItEvenBeforeTheSnapshotShowsIt() {
        HostLedger ledger = fresh().claim(claim("c1", item(gpu0, T4_4Q)), CLAIM, T0).ledger();
        assertThat(codes(ledger.claim(claim("c2", item(gpu0, T4_8Q)), CLAIM, T0))).containsExactly("OTHER_TYPE_RESIDENT");
        assertThat(ledger.claim(claim("c3", item(gpu1, T4_8Q)), CLAIM, T0).refusal()).isEmpty();
    }

    @Test
    void grantsAMultiVgpuClaimAllOrNothing() {
        host.create(gpu1, T4_8Q, UUID.randomUUID().toString());
        host.create(gpu1, T4_8Q, UUID.randomUUID().toString());
        HostLedger ledger = fresh();
        HostLedger.Outcome refused = ledger.claim(claim("c1", item(gpu0, T4_8Q), item(gpu1, T4_8Q)), CLAIM, T0);
        assertThat(codes(refused)).containsExactly("MAX_INSTANCES");
        assertThat(refused.ledger().claims()).isEmpty();
        assertThat(ledger.check(List.of(item(gpu0, T4_8Q)))).isEmpty();
    }

    @Test
    void listsEveryReasonOfARefusal() {
        HostLedger ledger = fresh();
        ClaimItem unknownGpu = item("GPU-ffffffff-0000-4000-8000-000000000000", T4_4Q);
        ClaimItem badType = item(gpu0, "nvidia-999");
        assertThat(codes(ledger.claim(claim("c1", unknownGpu, badType), CLAIM, T0)))
                .containsExactly("UNKNOWN_GPU", "TYPE_NOT_SUPPORTED");
    }

    @Test
    void refusesAVgpuUuidTheHostOrAnotherClaimHolds() {
        String onHost = UUID.randomUUID().toString();
        host.create(gpu1, T4_4Q, onHost);
        HostLedger ledger = fresh();
        ClaimItem first = item(gpu0, T4_4Q);
        ledger = ledger.claim(claim("c1", first), CLAIM, T0).ledger();
        ClaimItem again = new ClaimItem(gpu0, SimulatedHost.bdf(0), T4_4Q, first.vgpuUuid(), 0);
        ClaimItem hosted = new ClaimItem(gpu0, SimulatedHost.bdf(0), T4_4Q, onHost, 0);
        assertThat(codes(ledger.claim(claim("c2", again), CLAIM, T0))).containsExactly("VGPU_UUID_IN_USE");
        assertThat(codes(ledger.claim(claim("c3", hosted), CLAIM, T0))).containsExactly("VGPU_UUID_IN_USE");
    }

    @Test
    void answersARepeatedClaimIdWithTheClaimAsItIsAndClaimsNothingMore() {
        HostLedger ledger = fresh().claim(claim("c1", item(gpu0, T4_4Q)), CLAIM, T0).ledger();
        HostLedger.Outcome again = ledger.claim(claim("c1", item(gpu1, T4_8Q)), CLAIM, T0.plusSeconds(1));
        assertThat(again.ledger()).isSameAs(ledger);
        assertThat(again.changes()).singleElement().satisfies(change -> {
            assertThat(change.state()).isEqualTo(ClaimState.GRANTED);
            assertThat(change.items().get(0).gpuUuid()).isEqualTo(gpu0);
            assertThat(change.commandId()).isEqualTo("cmd-2");
        });
    }

    @Test
    void confirmsWhenTheSnapshotShowsEveryVgpuAndThenCountsThemOnlyOnce() {
        ClaimItem a = item(gpu0, T4_8Q);
        ClaimItem b = item(gpu1, T4_8Q);
        HostLedger ledger = fresh().claim(claim("c1", a, b), CLAIM, T0).ledger();
        host.create(gpu0, T4_8Q, a.vgpuUuid());
        HostLedger.Outcome half = ledger.snapshot(host.snapshot(), T0.plusSeconds(1));
        assertThat(half.changes()).isEmpty();
        // one of gpu0's two T4-8Q is resident, the other is this claim's: nothing more fits on gpu0
        assertThat(half.ledger().check(List.of(item(gpu0, T4_8Q)))).isEmpty();
        host.create(gpu1, T4_8Q, b.vgpuUuid());
        HostLedger.Outcome whole = half.ledger().snapshot(host.snapshot(), T0.plusSeconds(2));
        assertThat(whole.changes()).singleElement().satisfies(change -> {
            assertThat(change.state()).isEqualTo(ClaimState.CONFIRMED);
            assertThat(change.previous()).isEqualTo(ClaimState.GRANTED);
        });
        // confirmed: it does not expire, and the snapshot (1 more each) is what counts
        assertThat(whole.ledger().expire(T0.plusSeconds(3600)).changes()).isEmpty();
        assertThat(whole.ledger().check(List.of(item(gpu0, T4_8Q), item(gpu1, T4_8Q)))).isEmpty();
    }

    @Test
    void releasesAConfirmedClaimWhenItsVgpusLeaveTheSnapshot() {
        ClaimItem a = item(gpu0, T4_4Q);
        HostLedger ledger = fresh().claim(claim("c1", a), CLAIM, T0).ledger();
        host.create(gpu0, T4_4Q, a.vgpuUuid());
        ledger = ledger.snapshot(host.snapshot(), T0.plusSeconds(1)).ledger();
        host.remove(a.vgpuUuid());
        HostLedger.Outcome gone = ledger.snapshot(host.snapshot(), T0.plusSeconds(2));
        assertThat(gone.changes()).extracting(ClaimChanged::state).containsExactly(ClaimState.RELEASED);
        assertThat(gone.ledger().claims()).isEmpty();
    }

    @Test
    void aHeartbeatThatChangesNothingLeavesTheLedgerAsItIsAndTheNextChangeIsTaken() {
        ClaimItem a = item(gpu0, T4_4Q);
        HostLedger ledger = fresh().claim(claim("c1", a), CLAIM, T0).ledger();

        HostLedger.Outcome heartbeat = ledger.snapshot(host.snapshot(), T0.plusSeconds(30));

        assertThat(heartbeat.ledger()).isSameAs(ledger);
        assertThat(heartbeat.changes()).isEmpty();
        host.create(gpu0, T4_4Q, a.vgpuUuid());
        HostLedger.Outcome shown = heartbeat.ledger().snapshot(host.snapshot(), T0.plusSeconds(60));
        assertThat(shown.changes()).extracting(ClaimChanged::state).containsExactly(ClaimState.CONFIRMED);
        assertThat(shown.ledger().capacity().vgpuUuids()).containsExactly(a.vgpuUuid());
    }

    @Test
    void ignoresASnapshotOlderThanTheOneHeld() {
        var old = host.snapshot();
        HostLedger ledger = HostLedger.empty("host-a").snapshot(host.snapshot(), T0).ledger();
        assertThat(ledger.snapshot(old, T0).ledger()).isSameAs(ledger);
    }

    @Test
    void expiresGrantedClaimsAtTheirTimeAndExtendsOnlyGrantedOnes() {
        HostLedger ledger = fresh().claim(claim("c1", item(gpu0, T4_4Q)), CLAIM, T0).ledger();
        assertThat(ledger.expire(T0.plusSeconds(59)).changes()).isEmpty();
        HostLedger.Outcome extended = ledger.extend(new ExtendClaim("cmd-x", "c1", "host-a", 300, T0), "x",
                T0.plusSeconds(30));
        assertThat(extended.changes()).singleElement()
                .satisfies(change -> assertThat(change.expiresAt()).isEqualTo(T0.plusSeconds(330)));
        assertThat(extended.ledger().nextExpiry()).contains(T0.plusSeconds(330));
        HostLedger.Outcome expired = extended.ledger().expire(T0.plusSeconds(330));
        assertThat(expired.changes()).extracting(ClaimChanged::state).containsExactly(ClaimState.EXPIRED);
        assertThat(codes(expired.ledger().extend(new ExtendClaim("cmd-y", "c1", "host-a", 300, T0), "x", T0)))
                .containsExactly("UNKNOWN_CLAIM");
    }

    @Test
    void releasesOnRequestAndRefusesToReleaseWhatItDoesNotHold() {
        HostLedger ledger = fresh().claim(claim("c1", item(gpu0, T4_4Q)), CLAIM, T0).ledger();
        HostLedger.Outcome released = ledger.release(new ReleaseClaim("cmd-r", "c1", "host-a", "done", T0), "r", T0);
        assertThat(released.changes()).singleElement().satisfies(change -> {
            assertThat(change.state()).isEqualTo(ClaimState.RELEASED);
            assertThat(change.commandId()).isEqualTo("cmd-r");
        });
        assertThat(codes(released.ledger().release(new ReleaseClaim("cmd-s", "c1", "host-a", "again", T0), "r", T0)))
                .containsExactly("UNKNOWN_CLAIM");
    }

    @Test
    void countsPendingVgpusOfEveryTypeByFramebufferOnAHeterogeneousPgpu() {
        SimulatedHost mixed = new SimulatedHost("host-a", 1, true);
        String gpu = mixed.gpus.get(0);
        HostLedger ledger = HostLedger.empty("host-a").snapshot(mixed.snapshot(), T0).ledger();
        List<ClaimItem> taken = new ArrayList<>();
        // 16 GiB: one T4-8Q (8 GiB) and two T4-4Q (4 GiB each) fill it
        for (ClaimItem item : List.of(item(gpu, T4_8Q), item(gpu, T4_4Q), item(gpu, T4_4Q))) {
            HostLedger.Outcome outcome = ledger.claim(claim("c" + taken.size(), item), CLAIM, T0);
            assertThat(outcome.refusal()).isEmpty();
            ledger = outcome.ledger();
            taken.add(item);
        }
        assertThat(codes(ledger.claim(claim("c9", item(gpu, T4_4Q)), CLAIM, T0))).containsExactly("NO_CAPACITY");
    }
}
