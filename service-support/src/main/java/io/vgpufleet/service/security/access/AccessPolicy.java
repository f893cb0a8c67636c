package io.vgpufleet.service.security.access;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What each request needs, decided from its method and path alone (the table is in docs/security.md):
 *
 * <ul>
 *   <li>{@code /actuator/health}, its groups, and {@code /actuator/prometheus}: read by anyone (probes,
 *       Prometheus); {@code /error}: anyone (the error page Spring forwards to);
 *   <li>every other actuator endpoint: admin;
 *   <li>reads ({@code GET}, {@code HEAD}, {@code OPTIONS}) under {@code /api/**}: viewer, or anyone where
 *       anonymous reads are switched on;
 *   <li>writes (any other method) under {@code /api/**}: operator, except the {@link #DEFAULT_ADMIN_WRITES}
 *       and the configured extra admin writes, which change the whole fleet or delete what others rely on:
 *       admin;
 *   <li>anything else: admin. A path that is not in normal form (dot segments, empty segments,
 *       percent-escapes, {@code ;} or {@code \}) is never matched against the rules at all: admin.
 * </ul>
 *
 * The policy fails towards more: an unknown method is a write, an unknown path needs admin.
 */
public final class AccessPolicy {

    /** Writes that need admin in every service. */
    public static final List<String> DEFAULT_ADMIN_WRITES = List.of(
            "* /api/*/admin/**",
            "* /api/*/policy/**",
            "* /api/*/health/policy/**",
            "DELETE /api/*/*",
            "DELETE /api/*/hosts/*");

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");
    private static final List<PathGlob> PUBLIC_READS = List.of(
            PathGlob.of("/actuator/health"), PathGlob.of("/actuator/health/**"), PathGlob.of("/actuator/prometheus"));
    private static final PathGlob ERROR = PathGlob.of("/error");
    private static final PathGlob ACTUATOR = PathGlob.of("/actuator/**");
    private static final PathGlob API = PathGlob.of("/api/**");

    private final boolean anonymousReads;
    private final List<AdminWrite> adminWrites;

    /**
     * @param extraAdminWrites more writes that need admin, each {@code "METHOD /path/pattern"} with
     *     {@code *} for any method, in {@link PathGlob} syntax
     */
    public AccessPolicy(boolean anonymousReads, List<String> extraAdminWrites) {
        this.anonymousReads = anonymousReads;
        List<AdminWrite> writes = new ArrayList<>();
        DEFAULT_ADMIN_WRITES.forEach(rule -> writes.add(AdminWrite.parse(rule)));
        extraAdminWrites.forEach(rule -> writes.add(AdminWrite.parse(rule)));
        this.adminWrites = List.copyOf(writes);
    }

    public static boolean isRead(String method) {
        return READS.contains(method);
    }

    public Requirement required(String method, String path) {
        if (!normal(path)) {
            return Requirement.ADMIN;
        }
        boolean read = isRead(method);
        if (ERROR.matches(path) || (read && PUBLIC_READS.stream().anyMatch(glob -> glob.matches(path)))) {
            return Requirement.PUBLIC;
        }
        if (ACTUATOR.matches(path) || !API.matches(path)) {
            return Requirement.ADMIN;
        }
        if (read) {
            return anonymousReads ? Requirement.PUBLIC : Requirement.VIEWER;
        }
        return adminWrites.stream().anyMatch(rule -> rule.matches(method, path)) ? Requirement.ADMIN
                : Requirement.OPERATOR;
    }

    /** Absolute, no empty or dot segments (one trailing slash aside), no escapes, matrix parameters or backslashes. */
    static boolean normal(String path) {
        if (!path.startsWith("/") || path.contains("%") || path.contains(";") || path.contains("\\")) {
            return false;
        }
        for (String segment : PathGlob.split(path)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return true;
    }

    /** A write that needs admin: a method ({@code *} for any) and a path pattern. */
    record AdminWrite(String method, PathGlob path) {

        static AdminWrite parse(String rule) {
            String[] parts = rule.strip().split("\\s+");
            if (parts.length != 2 || !parts[0].matches("\\*|[A-Za-z]+")) {
                throw new IllegalArgumentException(
                        "an admin write is 'METHOD /path/pattern' (METHOD may be *), was '" + rule + "'");
            }
            return new AdminWrite(parts[0].toUpperCase(Locale.ROOT), PathGlob.of(parts[1]));
        }

        boolean matches(String requestMethod, String requestPath) {
            return (method.equals("*") || method.equals(requestMethod)) && path.matches(requestPath);
        }
    }
}
