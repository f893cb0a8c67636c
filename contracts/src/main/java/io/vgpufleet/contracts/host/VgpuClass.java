package io.vgpufleet.contracts.host;

/**
 * The letter at the end of a vGPU type name ({@code GRID P4-8C}): Q virtual workstation, C compute,
 * B virtual PC, A virtual applications.
 */
public enum VgpuClass {
    Q,
    C,
    B,
    A;

    /** The class of a type name such as {@code GRID P4-8C} or {@code NVIDIA H100-10C}, if it ends in one. */
    public static java.util.Optional<VgpuClass> ofTypeName(String name) {
        if (name == null || name.isEmpty()) {
            return java.util.Optional.empty();
        }
        char last = name.charAt(name.length() - 1);
        for (VgpuClass value : values()) {
            if (value.name().charAt(0) == last) {
                return java.util.Optional.of(value);
            }
        }
        return java.util.Optional.empty();
    }
}
