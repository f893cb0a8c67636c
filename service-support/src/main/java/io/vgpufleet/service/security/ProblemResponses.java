package io.vgpufleet.service.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.Checks;
import io.vgpufleet.service.security.access.Requirement;
import io.vgpufleet.service.security.access.Role;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * 401 and 403 as RFC 9457 problem details ({@code application/problem+json}), as every other error of the
 * API. A 401 keeps the {@code WWW-Authenticate: Bearer ...} header of RFC 6750; the detail says whether the
 * token was missing or why it was refused, a 403 which role was needed and which the token grants. Nothing
 * of the token itself is echoed.
 */
final class ProblemResponses implements AuthenticationEntryPoint, AccessDeniedHandler {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final int MAX_REASON = 200;

    private final BearerTokenAuthenticationEntryPoint bearer = new BearerTokenAuthenticationEntryPoint();
    private final MeterRegistry meters;

    ProblemResponses(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException refusal)
            throws IOException {
        bearer.commence(request, response, refusal);
        String detail = refusal instanceof OAuth2AuthenticationException invalid
                ? "the bearer token was refused: " + Checks.printable(reason(invalid), MAX_REASON)
                : "this request needs a bearer token: Authorization: Bearer <JWT>";
        write(request, response, HttpStatus.UNAUTHORIZED, "Unauthorized", detail, Map.of());
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException refusal)
            throws IOException {
        Object attribute = request.getAttribute(PolicyAuthorization.REQUIREMENT);
        Requirement requirement = attribute instanceof Requirement known ? known : Requirement.ADMIN;
        Set<Role> granted = GrantedRoles.of(SecurityContextHolder.getContext().getAuthentication());
        String detail = request.getMethod() + " " + Checks.printable(PolicyAuthorization.pathWithinApplication(request))
                + " needs the role " + requirement.role().wireName() + " (or one above it); the token grants "
                + (granted.isEmpty() ? "none" : granted.stream().map(Role::wireName).toList());
        response.setStatus(HttpStatus.FORBIDDEN.value());
        write(request, response, HttpStatus.FORBIDDEN, "Forbidden", detail,
                Map.of("requiredRole", requirement.role().wireName()));
    }

    private static String reason(OAuth2AuthenticationException invalid) {
        String description = invalid.getError().getDescription();
        return description != null ? description : invalid.getError().getErrorCode();
    }

    private void write(HttpServletRequest request, HttpServletResponse response, HttpStatus status, String title,
            String detail, Map<String, String> extra) throws IOException {
        meters.counter(SecurityMetrics.REFUSED, "status", Integer.toString(status.value())).increment();
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "about:blank");
        problem.put("title", title);
        problem.put("status", status.value());
        problem.put("detail", detail);
        problem.put("instance", Checks.printable(PolicyAuthorization.pathWithinApplication(request), 2048));
        problem.putAll(extra);
        response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getOutputStream().write(JSON.writeValueAsBytes(problem));
    }
}
