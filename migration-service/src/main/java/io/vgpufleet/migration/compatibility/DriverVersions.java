package io.vgpufleet.migration.compatibility;

import java.util.Arrays;

/** NVIDIA driver versions ({@code 550.90.05}) compared number by number. */
public final class DriverVersions {

    private DriverVersions() {}

    /** The numbers of a version; refuses anything but 1 to 4 dot-separated numbers of up to 6 digits. */
    public static int[] parse(String version) {
        if (!version.matches("[0-9]{1,6}(\\.[0-9]{1,6}){0,3}")) {
            throw new IllegalArgumentException("'" + io.vgpufleet.contracts.Checks.printable(version)
                    + "' is not a driver version like 550.90.05");
        }
        return Arrays.stream(version.split("\\.")).mapToInt(Integer::parseInt).toArray();
    }

    public static int compare(String a, String b) {
        return Arrays.compare(parse(a), parse(b));
    }
}
