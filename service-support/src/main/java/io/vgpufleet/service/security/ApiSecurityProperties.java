package io.vgpufleet.service.security;

import java.util.List;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code vgpu.security.*}. The key that checks tokens is Spring Boot's:
 * {@code spring.security.oauth2.resourceserver.jwt.public-key-location} (an RSA public key, PEM) or
 * {@code ...jwt.jwk-set-uri}; {@code ...jwt.audiences} restricts the audience.
 *
 * @param anonymousReads whether {@code GET /api/**} needs no token (default false: a viewer's token)
 * @param adminWrites writes that need admin besides the defaults, {@code "METHOD /path/pattern"}
 * @param rolesClaim the claim that lists the roles ({@code roles}: an array, or a string separated by
 *     spaces or commas)
 * @param issuer where set, tokens must carry exactly this {@code iss}
 */
@ConfigurationProperties("vgpu.security")
public record ApiSecurityProperties(
        @DefaultValue("false") boolean anonymousReads,
        @DefaultValue List<String> adminWrites,
        @DefaultValue("roles") String rolesClaim,
        @Nullable String issuer) {

    public ApiSecurityProperties {
        adminWrites = List.copyOf(adminWrites);
    }
}
