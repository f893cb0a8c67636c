package io.vgpufleet.service.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.audit.WriteAudited;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.service.security.access.AccessPolicy;
import io.vgpufleet.service.security.access.Role;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Publishes a {@link WriteAudited} for every write request once it is answered: accepted, refused (401,
 * 403) or failed. It sits in the security filter chain before the bearer token is read, so it also sees a
 * request whose token was refused; the authentication it reports is what the chain established.
 *
 * <p>The record is sent after the answer, without waiting for the broker: a broker outage does not hold up
 * the API. A record that could not be sent is logged at ERROR with everything it held and counted in
 * {@value SecurityMetrics#AUDIT_FAILED}, which an alert watches (docs/security.md says why not
 * write-ahead).
 *
 * <p>The request id is the caller's {@code X-Request-Id} where that is a valid identifier, otherwise a new
 * UUID; the response carries it back.
 */
final class WriteAuditFilter extends OncePerRequestFilter {

    static final String REQUEST_ID = "X-Request-Id";

    private static final Logger LOG = LoggerFactory.getLogger(WriteAuditFilter.class);
    private static final Pattern VALID_REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:-]{0,127}");

    private final EventPublisher publisher;
    private final Clock clock;
    private final String service;
    private final MeterRegistry meters;
    private final Supplier<UUID> ids;

    WriteAuditFilter(EventPublisher publisher, Clock clock, String service, MeterRegistry meters, Supplier<UUID> ids) {
        this.publisher = publisher;
        this.clock = clock;
        this.service = service;
        this.meters = meters;
        this.ids = ids;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (AccessPolicy.isRead(request.getMethod())) {
            chain.doFilter(request, response);
            return;
        }
        String requestId = requestId(request.getHeader(REQUEST_ID));
        response.setHeader(REQUEST_ID, requestId);
        boolean failed = true;
        try {
            chain.doFilter(request, response);
            failed = false;
        } finally {
            audit(request, requestId, failed ? HttpServletResponse.SC_INTERNAL_SERVER_ERROR : response.getStatus());
        }
    }

    private String requestId(@Nullable String given) {
        return given != null && VALID_REQUEST_ID.matcher(given).matches() ? given : ids.get().toString();
    }

    private void audit(HttpServletRequest request, String requestId, int status) {
        Authentication authentication = SecurityContextHolder.getContext().getAuthentication();
        boolean authenticated = GrantedRoles.isAuthenticated(authentication);
        String principal = authenticated ? bounded(authentication.getName(), WriteAudited.MAX_PRINCIPAL) : null;
        List<String> roles = GrantedRoles.of(authentication).stream().map(Role::wireName).toList();
        String tokenId = authentication instanceof JwtAuthenticationToken jwt
                ? bounded(jwt.getToken().getId(), WriteAudited.MAX_PRINCIPAL) : null;
        String path = bounded(PolicyAuthorization.pathWithinApplication(request), WriteAudited.MAX_PATH);
        WriteAudited audited;
        try {
            audited = new WriteAudited(requestId, service, principal == null ? WriteAudited.ANONYMOUS : principal,
                    authenticated, roles, request.getMethod(), path == null ? "/" : path, status, clock.instant(),
                    tokenId, bounded(request.getRemoteAddr(), 64));
        } catch (IllegalArgumentException e) {
            failed(requestId, principal, request.getMethod(), path, status, e);
            return;
        }
        try {
            publisher.publish(audited).whenComplete((sent, error) -> {
                if (error == null) {
                    meters.counter(SecurityMetrics.AUDIT_PUBLISHED).increment();
                } else {
                    failed(requestId, audited.principal(), audited.method(), audited.path(), status, error);
                }
            });
        } catch (RuntimeException e) {
            failed(requestId, audited.principal(), audited.method(), audited.path(), status, e);
        }
    }

    private void failed(String requestId, @Nullable String principal, String method, @Nullable String path, int status,
            Throwable error) {
        meters.counter(SecurityMetrics.AUDIT_FAILED).increment();
        LOG.error("audit record not sent: requestId={} principal={} method={} path={} status={}: {}", requestId,
                principal == null ? null : Checks.printable(principal), Checks.printable(method),
                path == null ? null : Checks.printable(path), status, Checks.printable(String.valueOf(error.getMessage())));
    }

    /** Control and format characters replaced, cut to fit {@code max}; null for null or blank. */
    private static @Nullable String bounded(@Nullable String value, int max) {
        if (value == null || value.isBlank()) {
            return null;
        }
        return Checks.printable(value, max - 3);
    }
}
