package io.vgpufleet.inventory.placement;

import static io.vgpufleet.inventory.placement.PlacementInputs.sortKey;

import io.vgpufleet.inventory.placement.PlacementInput.Gpu;
import io.vgpufleet.inventory.placement.PlacementInput.Signature;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * One request shape worked out over the whole fleet once, so that each request of that shape reads a
 * few array slots instead of scanning tens of thousands of pGPUs: for a set of matching types (what the
 * request's type id, class and framebuffer select), single- or multi-vGPU, a NUMA node and ECC
 * requirement, every base-ok pGPU that lists a matching type falls in exactly one class:
 *
 * <ul>
 *   <li>a request-independent reason (the furthest of its matching slots' state, or 1:1 for a
 *       multi-vGPU VM), or {@link RejectionReason#ECC_REQUIRED}: counted, with the first examples;
 *   <li>{@link RejectionReason#NUMA_MISMATCH}: listed whole (ascending pGPU index), because affinity and
 *       anti-affinity, which come earlier in the order, can move a pGPU out of it;
 *   <li>eligible: listed whole (ascending), and as sort keys presorted for PACK and for SPREAD.
 * </ul>
 *
 * Affinity and anti-affinity sets are not part of the shape: the engine corrects a view for them by
 * looking only at the pGPUs the sets name (see {@link PlacementEngine}). Built by
 * {@link PlacementInput#view}; immutable but for the memo of multi-vGPU outcomes.
 */
final class PlacementView {

    /**
     * What a request shape is made of.
     *
     * @param types matching type indexes (never mutated once in a key)
     * @param numaNode the node asked for, or -1 for any
     */
    record Key(BitSet types, boolean multi, int numaNode, boolean eccRequired) {}

    /** A multi-vGPU outcome over the view with no affinity sets: all host candidates, best first. */
    record MultiKey(int count, boolean nvlinkP2p, PlacementPolicy policy) {}

    private static final RejectionReason[] REASONS = RejectionReason.values();

    final Key key;
    /** Per signature index: the positions of its matching slots; empty where none matches. */
    final int[][] positions;
    /** Per reason: pGPUs of the view in that class (request-independent reasons and ECC_REQUIRED). */
    final int[] counts;
    /** Per reason: the first {@link PlacementInput#PRECOMPUTED_EXAMPLES} of them, ascending. */
    final int[][] examples;
    final int[] numaMismatch;
    final int[] eligible;
    final long[] packKeys;
    final long[] spreadKeys;
    private final Map<MultiKey, Object> multiOutcomes = new ConcurrentHashMap<>();

    private PlacementView(Key key, int[][] positions, int[] counts, int[][] examples, int[] numaMismatch, int[] eligible,
            long[] packKeys, long[] spreadKeys) {
        this.key = key;
        this.positions = positions;
        this.counts = counts;
        this.examples = examples;
        this.numaMismatch = numaMismatch;
        this.eligible = eligible;
        this.packKeys = packKeys;
        this.spreadKeys = spreadKeys;
    }

    long[] keys(PlacementPolicy policy) {
        return policy == PlacementPolicy.PACK ? packKeys : spreadKeys;
    }

    boolean isNumaMismatch(int gpu) {
        return Arrays.binarySearch(numaMismatch, gpu) >= 0;
    }

    boolean isEligible(int gpu) {
        return Arrays.binarySearch(eligible, gpu) >= 0;
    }

    /** The memoised outcome for a multi-vGPU request with no affinity sets, computed on first use. */
    @SuppressWarnings("unchecked")
    <T> T multi(MultiKey multiKey, Function<MultiKey, T> compute) {
        Object held = multiOutcomes.get(multiKey);
        if (held == null) {
            held = compute.apply(multiKey);
            if (multiOutcomes.size() < PlacementInput.MAX_VIEWS) {
                Object prior = multiOutcomes.putIfAbsent(multiKey, held);
                held = prior != null ? prior : held;
            }
        }
        return (T) held;
    }

    /** One pass over the pGPUs whose signature lists a matching type. */
    static PlacementView build(PlacementInput input, Key key) {
        PlacementRequest shape = PlacementRequest.builder().count(key.multi() ? 2 : 1)
                .numaNode(key.numaNode() < 0 ? null : key.numaNode()).eccRequired(key.eccRequired()).build();
        int[][] positions = new int[input.signatures.length][];
        int[] counts = new int[REASONS.length];
        int[][] examples = new int[REASONS.length][PlacementInput.PRECOMPUTED_EXAMPLES];
        IntList numa = new IntList();
        IntList eligible = new IntList();
        LongList pack = new LongList();
        LongList spread = new LongList();
        for (Signature signature : input.signatures) {
            int[] matching = matchingPositions(signature.typeIndexes(), key.types());
            positions[signature.index()] = matching;
            if (matching.length == 0) {
                continue;
            }
            for (int g : signature.baseOkGpus()) {
                Gpu gpu = input.gpus[g];
                int choice = PlacementEngine.chooseSlot(shape, gpu, matching, PlacementPolicy.PACK);
                if (choice >= 0) {
                    eligible.add(g);
                    pack.add(sortKey(gpu.slots()[choice].packKey(), g, choice));
                    int spreadChoice = PlacementEngine.chooseSlot(shape, gpu, matching, PlacementPolicy.SPREAD);
                    spread.add(sortKey(gpu.slots()[spreadChoice].spreadKey(), g, spreadChoice));
                } else {
                    RejectionReason reason = REASONS[-choice - 1];
                    if (reason == RejectionReason.NUMA_MISMATCH) {
                        numa.add(g);
                    } else {
                        counts[reason.ordinal()]++;
                        examples[reason.ordinal()] = withExample(examples[reason.ordinal()], counts[reason.ordinal()], g);
                    }
                }
            }
        }
        return new PlacementView(key, positions, counts, trim(counts, examples), numa.sorted(), eligible.sorted(), pack.sorted(),
                spread.sorted());
    }

    /**
     * The view of "one vGPU of this type, anywhere" (type id with one set of properties), the same as
     * {@link #build} gives but without the general rule walk: each pGPU has one matching slot, and its
     * state alone decides. Built for every type with the input.
     */
    static PlacementView ofOneType(PlacementInput input, int type) {
        BitSet types = new BitSet();
        types.set(type);
        Key key = new Key(types, false, -1, false);
        int[][] positions = new int[input.signatures.length][];
        int[] counts = new int[REASONS.length];
        int[][] examples = new int[REASONS.length][PlacementInput.PRECOMPUTED_EXAMPLES];
        IntList eligible = new IntList();
        LongList pack = new LongList();
        LongList spread = new LongList();
        for (Signature signature : input.signatures) {
            int position = Arrays.binarySearch(signature.typeIndexes(), type);
            if (position < 0) {
                positions[signature.index()] = new int[0];
                continue;
            }
            positions[signature.index()] = new int[] {position};
            for (int g : signature.baseOkGpus()) {
                PlacementInput.Slot slot = input.gpus[g].slots()[position];
                RejectionReason reason = slot.stateReason();
                if (reason == null) {
                    eligible.add(g);
                    pack.add(sortKey(slot.packKey(), g, position));
                    spread.add(sortKey(slot.spreadKey(), g, position));
                } else {
                    counts[reason.ordinal()]++;
                    examples[reason.ordinal()] = withExample(examples[reason.ordinal()], counts[reason.ordinal()], g);
                }
            }
        }
        return new PlacementView(key, positions, counts, trim(counts, examples), new int[0], eligible.sorted(), pack.sorted(),
                spread.sorted());
    }

    private static int[][] trim(int[] counts, int[][] examples) {
        int[][] trimmed = new int[REASONS.length][];
        for (int r = 0; r < REASONS.length; r++) {
            int[] listed = Arrays.copyOf(examples[r], Math.min(counts[r], PlacementInput.PRECOMPUTED_EXAMPLES));
            Arrays.sort(listed);
            trimmed[r] = listed;
        }
        return trimmed;
    }

    /**
     * Keeps the {@code PRECOMPUTED_EXAMPLES} smallest pGPU indexes seen, ascending (signatures are visited
     * one after another, so indexes do not arrive in order, but within one they rise, so once the array is
     * full almost every later index is dismissed by one comparison).
     */
    private static int[] withExample(int[] held, int seen, int gpu) {
        int n = Math.min(seen - 1, held.length);
        if (n == held.length) {
            if (gpu >= held[n - 1]) {
                return held;
            }
            n--;
        }
        int at = n;
        while (at > 0 && held[at - 1] > gpu) {
            held[at] = held[at - 1];
            at--;
        }
        held[at] = gpu;
        return held;
    }

    static int[] matchingPositions(int[] signatureTypes, BitSet matching) {
        int n = 0;
        for (int type : signatureTypes) {
            if (matching.get(type)) {
                n++;
            }
        }
        int[] positions = new int[n];
        int p = 0;
        for (int i = 0; i < signatureTypes.length; i++) {
            if (matching.get(signatureTypes[i])) {
                positions[p++] = i;
            }
        }
        return positions;
    }

    /** A growable list of primitive ints. */
    static final class IntList {
        private int[] values = new int[16];
        private int size;

        void add(int value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        int[] sorted() {
            int[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }

    /** A growable list of primitive longs. */
    static final class LongList {
        private long[] values = new long[16];
        private int size;

        void add(long value) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        int size() {
            return size;
        }

        long[] sorted() {
            long[] copy = Arrays.copyOf(values, size);
            Arrays.sort(copy);
            return copy;
        }
    }
}
