package io.vgpufleet.service.testing;

import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Gives every Spring Boot application started in a test JVM that has this test-jar the key of
 * {@link TestTokens}, as the property source of lowest precedence: a test that sets
 * {@code spring.security.oauth2.resourceserver.jwt.public-key-location} (or a JWK set URI) itself keeps
 * its own. Registered in {@code META-INF/spring.factories} of the test-jar, so it never reaches a service's
 * own jar.
 */
public final class TestKeyEnvironment implements EnvironmentPostProcessor, Ordered {

    static final String KEY_PROPERTY = "spring.security.oauth2.resourceserver.jwt.public-key-location";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (environment.containsProperty(KEY_PROPERTY)
                || environment.containsProperty("spring.security.oauth2.resourceserver.jwt.jwk-set-uri")) {
            return;
        }
        environment.getPropertySources().addLast(new MapPropertySource("vgpu-test-jwt-key",
                Map.of(KEY_PROPERTY, "file:" + TestTokens.publicKeyPem().toAbsolutePath())));
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
