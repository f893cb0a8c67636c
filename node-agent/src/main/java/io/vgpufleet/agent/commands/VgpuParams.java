package io.vgpufleet.agent.commands;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code vgpu_params} keys the agent writes, each with the values it accepts. Only keys NVIDIA's
 * vGPU user guide documents for {@code /sys/bus/mdev/devices/<uuid>/nvidia/vgpu_params} on KVM are
 * allowed, each as the {@code 0}/{@code 1} switch the guide shows:
 *
 * <ul>
 *   <li>{@code frame_rate_limiter}: {@code 0} turns the frame rate limiter off (NVIDIA's KVM talk:
 *       {@code echo "frame_rate_limiter=0" > .../nvidia/vgpu_params});
 *   <li>{@code disable_vnc}: {@code 1} turns the console VNC off;
 *   <li>{@code enable_uvm}: {@code 1} enables unified memory (CUDA) for the vGPU;
 *   <li>{@code enable_debugging}, {@code enable_profiling}: {@code 1} enables the CUDA debuggers and
 *       profilers in the VM.
 * </ul>
 * The driver applies them at the next start of the VM. Pure.
 */
public final class VgpuParams {

    private static final Set<String> SWITCH = Set.of("0", "1");
    static final Map<String, Set<String>> ALLOWED = Map.of(
            "frame_rate_limiter", SWITCH,
            "disable_vnc", SWITCH,
            "enable_uvm", SWITCH,
            "enable_debugging", SWITCH,
            "enable_profiling", SWITCH);

    private VgpuParams() {}

    /** One reason per key off the allow-list or value the key does not take; empty when all are fine. */
    public static List<String> reasonsToReject(Map<String, String> params) {
        List<String> reasons = new ArrayList<>();
        new TreeMap<>(params).forEach((key, value) -> {
            Set<String> values = ALLOWED.get(key);
            if (values == null) {
                reasons.add("vgpu_params key '" + key + "' is not on the allow-list " + new TreeMap<>(ALLOWED).keySet());
            } else if (!values.contains(value)) {
                reasons.add("vgpu_params " + key + " takes " + new java.util.TreeSet<>(values) + ", not '" + value + "'");
            }
        });
        return reasons;
    }
}
