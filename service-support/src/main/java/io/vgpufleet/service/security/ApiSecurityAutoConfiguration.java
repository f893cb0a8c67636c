package io.vgpufleet.service.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.service.security.access.AccessPolicy;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration;
import org.springframework.boot.security.autoconfigure.UserDetailsServiceAutoConfiguration;
import org.springframework.boot.security.autoconfigure.web.servlet.ServletWebSecurityAutoConfiguration;
import org.springframework.boot.security.oauth2.server.resource.autoconfigure.servlet.OAuth2ResourceServerAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.annotation.web.configuration.EnableWebSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.MappedJwtClaimSetConverter;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.security.oauth2.server.resource.web.authentication.BearerTokenAuthenticationFilter;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Every service's REST API behind JWTs: see {@link AccessPolicy} for who may do what, docs/security.md for
 * the table, ADR 0007 for why.
 *
 * <p>The key that verifies tokens is Spring Boot's resource-server configuration
 * ({@code spring.security.oauth2.resourceserver.jwt.public-key-location} or {@code ...jwk-set-uri}). There
 * is no default and no switch that opens the API: <b>a service without a key does not start</b>. Tokens
 * must carry {@code sub} and {@code exp}, and {@code iss} where {@code vgpu.security.issuer} is set.
 *
 * <p>Stateless: no session, no CSRF token (nothing is authenticated by a cookie), no login page.
 */
@AutoConfiguration(before = {
        OAuth2ResourceServerAutoConfiguration.class,
        SecurityAutoConfiguration.class,
        ServletWebSecurityAutoConfiguration.class,
        UserDetailsServiceAutoConfiguration.class})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@EnableConfigurationProperties(ApiSecurityProperties.class)
@EnableWebSecurity
public class ApiSecurityAutoConfiguration {

    static final String NO_KEY = "no key to verify bearer tokens: set spring.security.oauth2.resourceserver.jwt."
            + "public-key-location (an RSA public key in PEM) or spring.security.oauth2.resourceserver.jwt.jwk-set-uri;"
            + " the REST API does not run open (docs/security.md)";

    /** Picked up by Spring Boot's JWT decoder besides its own (signature, {@code exp}/{@code nbf} with 60 s skew). */
    @Bean
    OAuth2TokenValidator<Jwt> vgpuTokenClaims(ApiSecurityProperties properties) {
        OAuth2TokenValidator<Jwt> subject = new JwtClaimValidator<Object>(JwtClaimNames.SUB,
                sub -> sub instanceof String text && !text.isBlank());
        OAuth2TokenValidator<Jwt> expiry = new JwtClaimValidator<Object>(JwtClaimNames.EXP, Objects::nonNull);
        String issuer = properties.issuer();
        return issuer == null || issuer.isBlank() ? new DelegatingOAuth2TokenValidator<>(subject, expiry)
                : new DelegatingOAuth2TokenValidator<>(subject, expiry, new JwtIssuerValidator(issuer));
    }

    /**
     * Keeps a token's {@code iss} as the text it carries. Spring's default claim conversion turns it into a
     * {@code java.net.URL} on every request; for an issuer that is no URL with a known scheme (a URN such as
     * the sandbox's {@code urn:vgpu:sandbox}) each attempt looks the scheme's handler up through the
     * {@code ServiceLoader}, which reads every jar on the class path: 13 % of the request threads' CPU in
     * ClaimBench's profile. The issuer check ({@link JwtIssuerValidator}) compares the claim's text either way.
     */
    @Bean
    static BeanPostProcessor vgpuIssuerAsText() {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessAfterInitialization(Object bean, String beanName) {
                if (bean instanceof NimbusJwtDecoder decoder) {
                    decoder.setClaimSetConverter(MappedJwtClaimSetConverter.withDefaults(
                            Map.of(JwtClaimNames.ISS, issuer -> issuer)));
                }
                return bean;
            }
        };
    }

    @Bean
    SecurityFilterChain vgpuApiSecurity(
            HttpSecurity http,
            ObjectProvider<JwtDecoder> decoders,
            ApiSecurityProperties properties,
            EventPublisher publisher,
            Clock clock,
            MeterRegistry meters,
            @Value("${spring.application.name}") String service) throws Exception {
        JwtDecoder decoder = decoders.getIfAvailable();
        if (decoder == null) {
            throw new IllegalStateException(NO_KEY);
        }
        AccessPolicy policy = new AccessPolicy(properties.anonymousReads(), properties.adminWrites());
        ProblemResponses problems = new ProblemResponses(meters);
        http.csrf(csrf -> csrf.disable())
                .sessionManagement(sessions -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS))
                .requestCache(cache -> cache.disable())
                .formLogin(form -> form.disable())
                .httpBasic(basic -> basic.disable())
                .logout(logout -> logout.disable())
                .authorizeHttpRequests(requests -> requests.anyRequest().access(new PolicyAuthorization(policy)))
                .oauth2ResourceServer(server -> server
                        .jwt(jwt -> jwt.decoder(decoder).jwtAuthenticationConverter(new RolesFromJwt(properties.rolesClaim())))
                        .authenticationEntryPoint(problems)
                        .accessDeniedHandler(problems))
                .exceptionHandling(exceptions -> exceptions.authenticationEntryPoint(problems).accessDeniedHandler(problems))
                .addFilterBefore(new WriteAuditFilter(publisher, clock, service, meters, UUID::randomUUID),
                        BearerTokenAuthenticationFilter.class);
        return http.build();
    }

    /** What this service presents when it calls another service: {@code vgpu.security.client-token-file}. */
    @Bean
    ServiceToken serviceToken(@Value("${vgpu.security.client-token-file:}") String file) {
        return new ServiceToken(file.isBlank() ? null : Path.of(file));
    }
}
