package io.vgpufleet.agent.simulator;

import io.vgpufleet.contracts.Checks;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A fault the simulator can inject into a simulated GPU, as {@code POST /sim/gpus/{gpuUuid}/faults}
 * takes it: a JSON object with {@code kind} and the fields that kind names (unknown fields are refused,
 * so a typo never injects a different fault than the one meant).
 *
 * <pre>
 * {"kind": "single-bit-ecc", "count": 3}            count 1..1000000, default 1
 * {"kind": "double-bit-ecc", "count": 1}
 * {"kind": "page-retirement-pending", "cause": "dbe"} cause sbe|dbe, default dbe (retired at the next reset)
 * {"kind": "page-retired", "cause": "sbe", "count": 1}
 * {"kind": "row-remap-pending", "cause": "uncorrectable"} cause correctable|uncorrectable, default uncorrectable
 * {"kind": "row-remap-failure"}
 * {"kind": "xid", "code": 79}                         code 1..1000
 * {"kind": "gpu-lost"}
 * {"kind": "reset"}
 * </pre>
 */
public sealed interface Fault {

    /** Corrected (single-bit) ECC errors: the volatile and aggregate corrected counters rise. */
    record SingleBitEcc(int count) implements Fault {}

    /** Uncorrected (double-bit) ECC errors: the uncorrected counters rise; the driver logs Xid 48. */
    record DoubleBitEcc(int count) implements Fault {}

    /** A page waits for retirement at the next reset (pre-Ampere); the driver logs Xid 63. */
    record PageRetirementPending(boolean doubleBit) implements Fault {}

    /** Pages already retired, by cause (pre-Ampere). */
    record PageRetired(boolean doubleBit, int count) implements Fault {}

    /** A row waits for remapping at the next reset (Ampere and newer); the driver logs Xid 63. */
    record RowRemapPending(boolean uncorrectable) implements Fault {}

    /** A row remap failed (Ampere and newer): the GPU needs service; the driver logs Xid 64. */
    record RowRemapFailure() implements Fault {}

    /** The driver reports an Xid error (NVML critical Xid event). */
    record Xid(int code) implements Fault {}

    /** The GPU fell off the bus: NVML answers {@code GPU_IS_LOST}; the driver logs Xid 79. */
    record GpuLost() implements Fault {}

    /**
     * A GPU reset: volatile ECC counters restart at 0, a pending page retirement or row remap takes
     * effect (the page is retired, the row remapped), a lost GPU is back. Aggregate counters and a remap
     * failure stay, as on a real GPU.
     */
    record Reset() implements Fault {}

    Set<String> KINDS = Set.of("single-bit-ecc", "double-bit-ecc", "page-retirement-pending", "page-retired",
            "row-remap-pending", "row-remap-failure", "xid", "gpu-lost", "reset");

    /**
     * Reads a fault from its JSON form.
     *
     * @throws IllegalArgumentException with a message fit for a {@code 400} answer
     */
    static Fault parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw new IllegalArgumentException("the body must be a JSON object {\"kind\": \"...\"}");
        }
        JsonNode kindNode = body.get("kind");
        if (kindNode == null || !kindNode.isString() || !KINDS.contains(kindNode.asString())) {
            throw new IllegalArgumentException("kind must be one of " + KINDS.stream().sorted().toList());
        }
        String kind = kindNode.asString();
        Map<String, List<String>> fieldsByKind = Map.of(
                "single-bit-ecc", List.of("count"),
                "double-bit-ecc", List.of("count"),
                "page-retirement-pending", List.of("cause"),
                "page-retired", List.of("cause", "count"),
                "row-remap-pending", List.of("cause"),
                "xid", List.of("code"));
        List<String> allowed = fieldsByKind.getOrDefault(kind, List.of());
        for (String name : body.propertyNames()) {
            if (!"kind".equals(name) && !allowed.contains(name)) {
                throw new IllegalArgumentException("a " + kind + " fault takes no field '"
                        + Checks.printable(name, 64) + "'" + (allowed.isEmpty() ? "" : "; it takes " + allowed));
            }
        }
        return switch (kind) {
            case "single-bit-ecc" -> new SingleBitEcc(integer(body, "count", 1, 1, 1_000_000));
            case "double-bit-ecc" -> new DoubleBitEcc(integer(body, "count", 1, 1, 1_000_000));
            case "page-retirement-pending" -> new PageRetirementPending(choice(body, "cause", "sbe", "dbe"));
            case "page-retired" -> new PageRetired(choice(body, "cause", "sbe", "dbe"), integer(body, "count", 1, 1, 1_000));
            case "row-remap-pending" -> new RowRemapPending(choice(body, "cause", "correctable", "uncorrectable"));
            case "row-remap-failure" -> new RowRemapFailure();
            case "xid" -> new Xid(integer(body, "code", -1, 1, 1_000));
            case "gpu-lost" -> new GpuLost();
            default -> new Reset();
        };
    }

    /** Reads an optional integer field ({@code fallback} where absent; {@code -1} makes it required). */
    private static int integer(JsonNode body, String field, int fallback, int min, int max) {
        JsonNode node = body.get(field);
        if (node == null && fallback >= 0) {
            return fallback;
        }
        if (node == null || !node.isIntegralNumber() || !node.canConvertToInt() || node.intValue() < min
                || node.intValue() > max) {
            throw new IllegalArgumentException(field + " must be an integer from " + min + " to " + max);
        }
        return node.intValue();
    }

    /** Reads an optional two-way choice; the second value is the default and answers {@code true}. */
    private static boolean choice(JsonNode body, String field, String first, String second) {
        JsonNode node = body.get(field);
        if (node == null) {
            return true;
        }
        if (node.isString() && first.equals(node.asString())) {
            return false;
        }
        if (node.isString() && second.equals(node.asString())) {
            return true;
        }
        throw new IllegalArgumentException(field + " must be '" + first + "' or '" + second + "'");
    }
}
