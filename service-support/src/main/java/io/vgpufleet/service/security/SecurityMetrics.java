package io.vgpufleet.service.security;

/** Metric names of the API's security, as Micrometer names them (Prometheus renders dots as underscores). */
public final class SecurityMetrics {

    /** Requests refused, tag {@code status} 401 or 403. */
    public static final String REFUSED = "vgpu.security.refused";
    /** Audit records the broker acknowledged. */
    public static final String AUDIT_PUBLISHED = "vgpu.audit.published";
    /** Audit records that could not be made or sent (each also logged at ERROR with the write it was for). */
    public static final String AUDIT_FAILED = "vgpu.audit.failed";

    private SecurityMetrics() {}
}
