package io.vgpufleet.service.security.access;

/** What a request needs: nothing, or a token granting at least this role. */
public enum Requirement {
    /** No token needed (health and metrics for probes and Prometheus, the error page). */
    PUBLIC,
    VIEWER,
    OPERATOR,
    ADMIN;

    /** The role this requirement names; {@code PUBLIC} names none. */
    public Role role() {
        return switch (this) {
            case PUBLIC, VIEWER -> Role.VIEWER;
            case OPERATOR -> Role.OPERATOR;
            case ADMIN -> Role.ADMIN;
        };
    }
}
