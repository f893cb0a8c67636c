package io.vgpufleet.service.security.access;

import java.util.List;

/**
 * A path pattern of segments: {@code *} matches exactly one segment, {@code **} any number of segments
 * (none included), anything else itself. {@code /api/*}{@code /admin/**} matches {@code /api/v1/admin} and
 * {@code /api/v1/admin/keys/7}, not {@code /api/v1/hosts/admin}.
 */
public record PathGlob(String pattern, List<String> segments) {

    public PathGlob {
        segments = List.copyOf(segments);
    }

    public static PathGlob of(String pattern) {
        if (!pattern.startsWith("/")) {
            throw new IllegalArgumentException("a path pattern starts with '/', was '" + pattern + "'");
        }
        return new PathGlob(pattern, split(pattern));
    }

    public boolean matches(String path) {
        return matches(0, split(path), 0);
    }

    /** The segments of a path; one trailing slash is ignored ({@code /a/b/} is {@code /a/b}). */
    static List<String> split(String path) {
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (trimmed.equals("/")) {
            return List.of();
        }
        return List.of(trimmed.substring(1).split("/", -1));
    }

    private boolean matches(int p, List<String> path, int s) {
        if (p == segments.size()) {
            return s == path.size();
        }
        String segment = segments.get(p);
        if (segment.equals("**")) {
            for (int rest = s; rest <= path.size(); rest++) {
                if (matches(p + 1, path, rest)) {
                    return true;
                }
            }
            return false;
        }
        if (s == path.size()) {
            return false;
        }
        return (segment.equals("*") || segment.equals(path.get(s))) && matches(p + 1, path, s + 1);
    }

    @Override
    public String toString() {
        return pattern;
    }
}
