package io.vgpufleet.agent.discovery;

import java.util.regex.Pattern;

/**
 * The shapes of the names the agent accepts from directory listings and link targets before it lets
 * them become part of a path: a name that does not match is never resolved.
 */
public final class SysfsNames {

    private static final Pattern PCI_BDF = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[0-1][0-9a-f]\\.[0-7]");
    private static final Pattern MDEV_TYPE = Pattern.compile("nvidia-[0-9]{1,6}");
    private static final Pattern NUMERIC_TYPE = Pattern.compile("[0-9]{1,6}");
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    private static final Pattern VIRTFN = Pattern.compile("virtfn[0-9]{1,4}");
    /**
     * The longest path segment the agent builds. A segment is {@code [A-Za-z0-9_:-][A-Za-z0-9_.:-]{0,127}}
     * without {@code ..}: no separators, no {@code .} or {@code ..}. Checked by hand, not by a regex: every
     * path the agent builds passes here, a few thousand times a second.
     */
    private static final int MAX_SEGMENT = 128;

    private SysfsNames() {}

    public static boolean isPciBdf(String name) {
        return PCI_BDF.matcher(name).matches();
    }

    public static boolean isMdevTypeId(String name) {
        return MDEV_TYPE.matcher(name).matches();
    }

    public static boolean isNumericTypeId(String name) {
        return NUMERIC_TYPE.matcher(name).matches();
    }

    public static boolean isUuid(String name) {
        return UUID.matcher(name).matches();
    }

    public static boolean isVirtfnLink(String name) {
        return VIRTFN.matcher(name).matches();
    }

    public static boolean isSafeSegment(String name) {
        int length = name.length();
        if (length == 0 || length > MAX_SEGMENT || name.charAt(0) == '.') {
            return false;
        }
        char previous = 0;
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == ':' || c == '-' || c == '.';
            if (!allowed || (c == '.' && previous == '.')) {
                return false;
            }
            previous = c;
        }
        return true;
    }
}
