package io.vgpufleet.service.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Bearer tokens for tests, signed with a key made once per test JVM. Every Spring Boot test context of a
 * service verifies them without any setup: {@link TestKeyEnvironment} (registered in this test-jar's
 * {@code META-INF/spring.factories}) points {@code spring.security.oauth2.resourceserver.jwt.public-key-location}
 * at this key's public half, unless the test sets that property itself.
 *
 * <pre>{@code
 * HttpRequest.newBuilder(uri)
 *         .header(TestTokens.AUTHORIZATION, TestTokens.bearer(TestTokens.OPERATOR))
 *         .POST(...)
 * }</pre>
 *
 * The key never leaves the JVM's temporary directory and is trusted by nothing but test contexts.
 */
public final class TestTokens {

    public static final String AUTHORIZATION = "Authorization";
    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";
    public static final String ADMIN = "admin";
    public static final String ISSUER = "urn:vgpu:test";
    public static final Duration LIFETIME = Duration.ofHours(1);

    private TestTokens() {}

    /** {@code Bearer <JWT>} for subject {@code test-<role>} with that one role, valid for an hour. */
    public static String bearer(String role) {
        return "Bearer " + token("test-" + role, List.of(role), LIFETIME);
    }

    /** {@code Bearer <JWT>} for {@code subject} with {@code roles}, valid for an hour. */
    public static String bearer(String subject, String... roles) {
        return "Bearer " + token(subject, List.of(roles), LIFETIME);
    }

    /** A signed JWT (no {@code Bearer } prefix); a negative {@code lifetime} makes one that has expired. */
    public static String token(String subject, List<String> roles, Duration lifetime) {
        return sign(Keys.PAIR.getPrivate(), claims(subject, roles, lifetime));
    }

    /** A signed JWT like {@link #token} but from another {@code iss}. */
    public static String tokenIssuedBy(String issuer, String subject, List<String> roles) {
        return sign(Keys.PAIR.getPrivate(), new JWTClaimsSet.Builder(claims(subject, roles, LIFETIME)).issuer(issuer).build());
    }

    /** A well-formed token for {@code role} that no service trusts: signed by another key. */
    public static String bearerSignedByAnotherKey(String role) {
        return "Bearer " + sign(Keys.STRANGER.getPrivate(), claims("test-" + role, List.of(role), LIFETIME));
    }

    /** The public key the services are given, as a PEM file. */
    public static Path publicKeyPem() {
        return Keys.PUBLIC_PEM;
    }

    private static JWTClaimsSet claims(String subject, List<String> roles, Duration lifetime) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder()
                .subject(subject)
                .issuer(ISSUER)
                .claim("roles", roles)
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(lifetime.isNegative() ? now.plus(lifetime).minusSeconds(60) : now))
                .expirationTime(Date.from(now.plus(lifetime)))
                .build();
    }

    private static String sign(PrivateKey key, JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
        try {
            jwt.sign(new RSASSASigner(key));
        } catch (JOSEException e) {
            throw new IllegalStateException("could not sign a test token", e);
        }
        return jwt.serialize();
    }

    /** Made on first use, once per JVM. */
    private static final class Keys {

        static final KeyPair PAIR = generate();
        static final KeyPair STRANGER = generate();
        static final Path PUBLIC_PEM = writePublic(PAIR);

        private static KeyPair generate() {
            try {
                KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
                return generator.generateKeyPair();
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("this JDK cannot make RSA keys", e);
            }
        }

        private static Path writePublic(KeyPair pair) {
            String pem = "-----BEGIN PUBLIC KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                            .encodeToString(pair.getPublic().getEncoded())
                    + "\n-----END PUBLIC KEY-----\n";
            try {
                Path file = Files.createTempFile("vgpu-test-jwt-", ".pem");
                file.toFile().deleteOnExit();
                Files.writeString(file, pem, StandardCharsets.US_ASCII);
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException("could not write the test key", e);
            }
        }
    }
}
