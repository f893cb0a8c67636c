package io.vgpufleet.contracts.audit;

import static io.vgpufleet.contracts.Checks.identifier;
import static io.vgpufleet.contracts.Checks.list;
import static io.vgpufleet.contracts.Checks.present;

import io.vgpufleet.contracts.Checks;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A write request (POST, PUT, PATCH, DELETE, or any method that is not a read) reached a service's REST API,
 * and this is what became of it: accepted ({@code status} 2xx), refused ({@code 401} without a valid token,
 * {@code 403} without the role), or failed. Keyed by {@code principal}, so one principal's writes stay in
 * order on one partition.
 *
 * @param requestId the caller's {@code X-Request-Id} where it was a valid identifier, otherwise one the
 *     service made; the response carries it back in the same header
 * @param service the service that answered ({@code spring.application.name})
 * @param principal the token's subject; {@value #ANONYMOUS} when no valid token came
 * @param authenticated whether a valid token came (false for every 401)
 * @param roles the roles the token granted ({@code viewer}, {@code operator}, {@code admin}); empty when
 *     anonymous
 * @param method the HTTP method, upper case
 * @param path the request path as sent, without the query string
 * @param status the HTTP status of the answer
 * @param at when the answer was complete
 * @param tokenId the token's {@code jti} claim, where it had one
 * @param clientAddress the peer address of the connection (not a forwarded-for header, which the client
 *     writes)
 */
public record WriteAudited(
        String requestId,
        String service,
        String principal,
        boolean authenticated,
        List<String> roles,
        String method,
        String path,
        int status,
        Instant at,
        @Nullable String tokenId,
        @Nullable String clientAddress) {

    public static final String ANONYMOUS = "anonymous";
    public static final int MAX_PRINCIPAL = 256;
    public static final int MAX_PATH = 2048;
    public static final int MAX_ROLES = 32;

    private static final Pattern METHOD = Pattern.compile("[A-Z]{1,16}");
    private static final Pattern ROLE = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

    public WriteAudited {
        identifier(requestId, "requestId");
        identifier(service, "service");
        text(principal, MAX_PRINCIPAL, "principal");
        roles = list(roles, "roles");
        Checks.atMost(roles, MAX_ROLES, "roles");
        roles.forEach(role -> matching(role, ROLE, "roles", "1 to 64 of [A-Za-z0-9._:-]"));
        if (!authenticated && !roles.isEmpty()) {
            throw new IllegalArgumentException("roles must be empty when not authenticated");
        }
        matching(method, METHOD, "method", "an HTTP method in upper case");
        text(path, MAX_PATH, "path");
        if (!path.startsWith("/") || path.chars().anyMatch(Character::isWhitespace)) {
            throw new IllegalArgumentException("path must start with '/' and hold no whitespace, was '"
                    + Checks.printable(path) + "'");
        }
        if (status < 100 || status > 599) {
            throw new IllegalArgumentException("status must be an HTTP status 100..599, was " + status);
        }
        present(at, "at");
        if (tokenId != null) {
            text(tokenId, MAX_PRINCIPAL, "tokenId");
        }
        if (clientAddress != null) {
            text(clientAddress, 64, "clientAddress");
        }
    }

    /** Whether the write was done (2xx). */
    public boolean accepted() {
        return status >= 200 && status < 300;
    }

    /** Non-blank, at most {@code max} characters, and nothing that {@link Checks#printable} would replace. */
    private static void text(@Nullable String value, int max, String field) {
        Checks.nonBlank(value, field);
        if (value.length() > max) {
            throw new IllegalArgumentException(field + " must be at most " + max + " characters, was " + value.length());
        }
        if (!Checks.printable(value, max).equals(value)) {
            throw new IllegalArgumentException(field + " must not hold control or format characters, was '"
                    + Checks.printable(value) + "'");
        }
    }

    private static void matching(@Nullable String value, Pattern pattern, String field, String expectation) {
        if (value == null || !pattern.matcher(value).matches()) {
            throw new IllegalArgumentException(field + " must be " + expectation + ", was '"
                    + (value == null ? "null" : Checks.printable(value)) + "'");
        }
    }
}
