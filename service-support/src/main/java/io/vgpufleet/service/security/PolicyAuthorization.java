package io.vgpufleet.service.security;

import io.vgpufleet.service.security.access.AccessPolicy;
import io.vgpufleet.service.security.access.Requirement;
import jakarta.servlet.http.HttpServletRequest;
import java.util.function.Supplier;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationManager;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.access.intercept.RequestAuthorizationContext;

/**
 * Applies the {@link AccessPolicy} to each request. A refusal of an anonymous caller becomes 401 (Spring
 * Security's entry point), of an authenticated one 403; the requirement is left on the request for the
 * problem detail that says which role was missing.
 */
final class PolicyAuthorization implements AuthorizationManager<RequestAuthorizationContext> {

    static final String REQUIREMENT = PolicyAuthorization.class.getName() + ".requirement";

    private final AccessPolicy policy;

    PolicyAuthorization(AccessPolicy policy) {
        this.policy = policy;
    }

    @Override
    public AuthorizationResult authorize(Supplier<? extends Authentication> authentication, RequestAuthorizationContext context) {
        HttpServletRequest request = context.getRequest();
        Requirement requirement = policy.required(request.getMethod(), pathWithinApplication(request));
        request.setAttribute(REQUIREMENT, requirement);
        if (requirement == Requirement.PUBLIC) {
            return new AuthorizationDecision(true);
        }
        return new AuthorizationDecision(
                GrantedRoles.of(authentication.get()).stream().anyMatch(role -> role.satisfies(requirement)));
    }

    /** The path as sent (not decoded), without the context path. */
    static String pathWithinApplication(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        return context != null && !context.isEmpty() && uri.startsWith(context) ? uri.substring(context.length()) : uri;
    }
}
