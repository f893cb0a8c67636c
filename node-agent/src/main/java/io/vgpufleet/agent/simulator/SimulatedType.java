package io.vgpufleet.agent.simulator;

/**
 * A vGPU type as the simulated driver offers it.
 *
 * @param id {@code nvidia-<n>} on mdev models, the bare number on vendor-VFIO models
 */
public record SimulatedType(String id, String name, long framebufferMib, int maxInstances) {

    /** Display heads, as NVIDIA's drivers give them per class: Q and B 4, A and C 1. */
    public int numHeads() {
        return classLetter() == 'Q' || classLetter() == 'B' ? 4 : 1;
    }

    public int frameRateLimit() {
        return classLetter() == 'B' ? 45 : 60;
    }

    public String maxResolution() {
        return switch (classLetter()) {
            case 'Q', 'B' -> "5120x2880";
            case 'A' -> "1280x1024";
            default -> "4096x2160";
        };
    }

    /** The {@code description} attribute, in the older ({@code num heads=}) or newer ({@code num_heads=}) style. */
    public String description(boolean underscores) {
        String text = "num heads=" + numHeads() + ", frl config=" + frameRateLimit() + ", framebuffer="
                + framebufferMib + "M, max resolution=" + maxResolution() + ", max instance=" + maxInstances;
        return underscores
                ? text.replace("num heads", "num_heads").replace("frl config", "frl_config")
                        .replace("max resolution", "max_resolution").replace("max instance", "max_instance")
                : text;
    }

    private char classLetter() {
        return name.charAt(name.length() - 1);
    }
}
