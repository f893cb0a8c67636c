package io.vgpufleet.contracts.health;

import static io.vgpufleet.contracts.Checks.validGpuUuid;
import static io.vgpufleet.contracts.Checks.validHostId;
import static io.vgpufleet.contracts.Checks.nonBlank;
import static io.vgpufleet.contracts.Checks.present;
import static io.vgpufleet.contracts.Checks.stringMap;

import java.time.Instant;
import java.util.Map;

/**
 * The health verdict of a pGPU changed. Keyed by pGPU UUID on a compacted topic: the latest record per
 * pGPU is its current health.
 *
 * @param rule the named policy rule that decided, e.g. {@code double-bit-ecc}
 * @param evidence the signal values the rule saw
 */
public record GpuHealthChanged(
        String gpuUuid,
        String hostId,
        GpuHealth previous,
        GpuHealth current,
        String rule,
        Map<String, String> evidence,
        Instant changedAt) {

    public GpuHealthChanged {
        validGpuUuid(gpuUuid, "gpuUuid");
        validHostId(hostId, "hostId");
        present(previous, "previous");
        present(current, "current");
        nonBlank(rule, "rule");
        evidence = stringMap(evidence, "evidence");
        present(changedAt, "changedAt");
    }
}
