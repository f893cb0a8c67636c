package io.vgpufleet.inventory.claims.ledger;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.contracts.claims.ClaimCapacity;
import io.vgpufleet.contracts.claims.ClaimChanged;
import io.vgpufleet.contracts.claims.ClaimItem;
import io.vgpufleet.contracts.claims.ClaimState;
import io.vgpufleet.contracts.claims.ReleaseClaim;
import io.vgpufleet.contracts.host.HostSnapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Random sequences of claims, vGPU creations, snapshots (fresh and stale), expiries, releases and
 * destructions against one {@link HostLedger} and a {@link SimulatedHost} that behaves as the kernel.
 * After every step, on every pGPU, the vGPUs on the host plus the claimed vGPUs not yet created never
 * exceed a type's maximum or the framebuffer, and never mix types on a homogeneous pGPU; and a caller
 * that creates a vGPU its GRANTED claim holds is never refused by the host.
 *
 * <p>Callers behave: they create vGPUs only while their claim is GRANTED, destroy them before releasing,
 * and the agent's snapshot of a change reaches the ledger before the claim could expire (the agent
 * publishes on change; a TTL is minutes). Seeded: a failure names its seed.
 */
class HostLedgerPropertiesTest {

    private static final int SEQUENCES = 400;
    private static final int STEPS = 150;

    @Test
    void noSequenceOfClaimsConfirmationsExpiriesAndReleasesOverCommitsOrMixesTypes() {
        Random seeds = new Random(20261125L);
        int grants = 0;
        int refusals = 0;
        for (int s = 0; s < SEQUENCES; s++) {
            long seed = seeds.nextLong();
            int[] counts = run(seed);
            grants += counts[0];
            refusals += counts[1];
        }
        // the sequences reach both sides of the rule, not one
        assertThat(grants).isGreaterThan(SEQUENCES * 5);
        assertThat(refusals).isGreaterThan(SEQUENCES * 5);
    }

    private static int[] run(long seed) {
        Random random = new Random(seed);
        SimulatedHost host = new SimulatedHost("prop-host", 1 + random.nextInt(3), random.nextInt(3) == 0);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        HostLedger ledger = HostLedger.empty("prop-host").snapshot(host.snapshot(), now).ledger();
        List<HostSnapshot> old = new ArrayList<>();
        boolean unreported = false;
        int grants = 0;
        int refusals = 0;
        int ids = 0;
        for (int step = 0; step < STEPS; step++) {
            int op = random.nextInt(100);
            String where = "seed " + seed + " step " + step;
            if (op < 35) {
                List<ClaimItem> items = new ArrayList<>();
                List<String> gpus = new ArrayList<>(host.gpus);
                int count = 1 + random.nextInt(Math.min(2, gpus.size()));
                String type = random.nextBoolean() ? SimulatedHost.T4_4Q : SimulatedHost.T4_8Q;
                for (int i = 0; i < count; i++) {
                    String gpu = gpus.remove(random.nextInt(gpus.size()));
                    items.add(new ClaimItem(gpu, SimulatedHost.bdf(0), random.nextInt(4) == 0
                            ? (type.equals(SimulatedHost.T4_4Q) ? SimulatedHost.T4_8Q : SimulatedHost.T4_4Q) : type,
                            new UUID(seed, ++ids).toString(), 0));
                }
                HostLedger.Outcome outcome = ledger.claim(new ClaimCapacity("cmd-" + ids, "claim-" + ids, "prop-host",
                        "vm", "prop", 1 + random.nextInt(120), items, now), "c", now);
                ledger = outcome.ledger();
                grants += outcome.refusal().isEmpty() ? 1 : 0;
                refusals += outcome.refusal().isPresent() ? 1 : 0;
            } else if (op < 60) {
                List<ClaimItem> uncreated = new ArrayList<>();
                for (ClaimChanged claim : ledger.claims()) {
                    if (claim.state() == ClaimState.GRANTED && claim.expiresAt().isAfter(now)) {
                        claim.items().stream().filter(item -> !host.vgpus.containsKey(item.vgpuUuid()))
                                .forEach(uncreated::add);
                    }
                }
                if (!uncreated.isEmpty()) {
                    ClaimItem item = uncreated.get(random.nextInt(uncreated.size()));
                    assertThat(host.create(item.gpuUuid(), item.typeId(), item.vgpuUuid()))
                            .as("%s: the host refuses a vGPU its GRANTED claim holds", where).isTrue();
                    unreported = true;
                }
            } else if (op < 75) {
                HostSnapshot snapshot = host.snapshot();
                old.add(snapshot);
                ledger = ledger.snapshot(snapshot, now).ledger();
                unreported = false;
            } else if (op < 80 && !old.isEmpty()) {
                HostLedger before = ledger;
                ledger = ledger.snapshot(old.get(random.nextInt(old.size())), now).ledger();
                assertThat(ledger.capacity()).as(where).isEqualTo(before.capacity() == null ? null : ledger.capacity());
            } else if (op < 88) {
                if (unreported) {
                    HostSnapshot snapshot = host.snapshot();
                    old.add(snapshot);
                    ledger = ledger.snapshot(snapshot, now).ledger();
                    unreported = false;
                }
                now = now.plusSeconds(random.nextInt(90));
                ledger = ledger.expire(now).ledger();
            } else if (op < 95 && !ledger.claims().isEmpty()) {
                ClaimChanged claim = ledger.claims().get(random.nextInt(ledger.claims().size()));
                claim.items().forEach(item -> host.remove(item.vgpuUuid()));
                unreported = true;
                ledger = ledger.release(new ReleaseClaim("cmd-r" + step, claim.claimId(), "prop-host", "done", now), "r",
                        now).ledger();
            } else {
                for (ClaimChanged claim : ledger.claims()) {
                    if (claim.state() == ClaimState.CONFIRMED && random.nextBoolean()) {
                        claim.items().forEach(item -> host.remove(item.vgpuUuid()));
                        unreported = true;
                    }
                }
            }
            assertWithinCapacity(host, ledger, where);
        }
        return new int[] {grants, refusals};
    }

    private static void assertWithinCapacity(SimulatedHost host, HostLedger ledger, String where) {
        for (String gpu : host.gpus) {
            Map<String, Integer> held = new HashMap<>();
            host.vgpus.values().stream().filter(v -> v[0].equals(gpu)).forEach(v -> held.merge(v[1], 1, Integer::sum));
            Set<String> seen = new HashSet<>(host.vgpus.keySet());
            for (ClaimChanged claim : ledger.claims()) {
                for (ClaimItem item : claim.items()) {
                    if (item.gpuUuid().equals(gpu) && seen.add(item.vgpuUuid())) {
                        held.merge(item.typeId(), 1, Integer::sum);
                    }
                }
            }
            long framebuffer = 0;
            for (Map.Entry<String, Integer> entry : held.entrySet()) {
                SimulatedHost.Type type = SimulatedHost.TYPES.get(entry.getKey());
                assertThat(entry.getValue()).as("%s: %s of %s on %s", where, entry.getValue(), type.id(), gpu)
                        .isLessThanOrEqualTo(type.max());
                framebuffer += entry.getValue() * type.framebufferMib();
            }
            assertThat(framebuffer).as("%s: framebuffer held on %s", where, gpu).isLessThanOrEqualTo(SimulatedHost.MEMORY_MIB);
            if (!host.heterogeneous.get(gpu)) {
                assertThat(held.keySet()).as("%s: types on homogeneous %s", where, gpu).hasSizeLessThanOrEqualTo(1);
            }
        }
    }
}
