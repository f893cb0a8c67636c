package io.vgpufleet.sandbox.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

class DevTokensTest {

    @TempDir
    Path dir;

    @Test
    void makesTheKeyOnceOwnerOnlyAndReusesIt() throws Exception {
        Path keys = dir.resolve("keys");
        DevTokens first = DevTokens.openOrCreate(keys, Clock.systemUTC());
        String publicPem = Files.readString(first.publicKey());

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keys.resolve(DevTokens.PRIVATE_KEY))))
                .isEqualTo("rw-------");
        DevTokens second = DevTokens.openOrCreate(keys, Clock.systemUTC());
        assertThat(Files.readString(second.publicKey())).isEqualTo(publicPem);
        assertThat(decoder(second.publicKey()).decode(first.mint("alice", List.of("operator"), Duration.ofMinutes(5)))
                .getSubject()).isEqualTo("alice");
    }

    @Test
    void tokensPassTheDecoderTheServicesUseWithTheClaimsTheyCheck() throws Exception {
        DevTokens tokens = DevTokens.openOrCreate(dir.resolve("keys"), Clock.systemUTC());

        Jwt jwt = decoder(tokens.publicKey()).decode(tokens.mint("dev-operator", List.of("operator", "viewer"),
                Duration.ofHours(1)));

        assertThat(jwt.getSubject()).isEqualTo("dev-operator");
        assertThat(jwt.getClaimAsStringList("roles")).containsExactly("operator", "viewer");
        assertThat(jwt.getClaimAsString("iss")).isEqualTo(DevTokens.ISSUER);
        assertThat(jwt.getId()).isNotBlank();
        assertThat(jwt.getExpiresAt()).isBetween(Instant.now().plusSeconds(3_500), Instant.now().plusSeconds(3_700));
    }

    @Test
    void anExpiredTokenIsRefusedByThatDecoder() throws Exception {
        Clock yesterday = Clock.fixed(Instant.now().minus(Duration.ofDays(1)), ZoneOffset.UTC);
        DevTokens tokens = DevTokens.openOrCreate(dir.resolve("keys"), yesterday);

        String stale = tokens.mint("dev-admin", List.of("admin"), Duration.ofHours(1));

        assertThatThrownBy(() -> decoder(tokens.publicKey()).decode(stale)).isInstanceOf(JwtValidationException.class);
    }

    @Test
    void writesOneOwnerOnlyTokenFilePerRole() throws Exception {
        DevTokens tokens = DevTokens.openOrCreate(dir.resolve("keys"), Clock.systemUTC());

        List<Path> files = tokens.writeRoleTokens(dir.resolve("tokens"), Duration.ofHours(1));
        List<Path> again = tokens.writeRoleTokens(dir.resolve("tokens"), Duration.ofHours(1));

        assertThat(files).extracting(path -> path.getFileName().toString())
                .containsExactly("viewer.jwt", "operator.jwt", "admin.jwt");
        assertThat(again).isEqualTo(files);
        for (Path file : files) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            String role = file.getFileName().toString().replace(".jwt", "");
            assertThat(decoder(tokens.publicKey()).decode(Files.readString(file).strip()).getClaimAsStringList("roles"))
                    .containsExactly(role);
        }
    }

    @Test
    void refusesAKeyOthersMayReadAndHostileSubjectsOrRoles() throws Exception {
        Path keys = dir.resolve("keys");
        DevTokens tokens = DevTokens.openOrCreate(keys, Clock.systemUTC());
        assertThatIllegalArgumentException().isThrownBy(() -> tokens.mint("a\",\"roles\":[\"admin", List.of("viewer"),
                Duration.ofHours(1))).withMessageStartingWith("a subject");
        assertThatIllegalArgumentException().isThrownBy(() -> tokens.mint("alice", List.of("root"), Duration.ofHours(1)))
                .withMessageStartingWith("a role");
        assertThatIllegalArgumentException().isThrownBy(() -> tokens.mint("alice", List.of("admin"), Duration.ofDays(31)));

        Files.setPosixFilePermissions(keys.resolve(DevTokens.PRIVATE_KEY), PosixFilePermissions.fromString("rw-r--r--"));
        assertThatIllegalStateException().isThrownBy(() -> DevTokens.openOrCreate(keys, Clock.systemUTC()))
                .withMessageContaining("chmod 600");
    }

    @Test
    void theTokenCommandPrintsATokenAndRefusesUnknownRoles() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = TokenCommand.run(List.of("operator", "--subject=olga", "--data-dir=data"), dir,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        int refused = TokenCommand.run(List.of("root"), dir, new PrintStream(new ByteArrayOutputStream(), true,
                StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(code).isZero();
        Jwt jwt = decoder(dir.resolve("data/keys").resolve(DevTokens.PUBLIC_KEY)).decode(out.toString(StandardCharsets.UTF_8).strip());
        assertThat(jwt.getSubject()).isEqualTo("olga");
        assertThat(refused).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("a role is one of");
    }

    private static NimbusJwtDecoder decoder(Path publicPem) throws Exception {
        String base64 = Files.readString(publicPem).replace("-----BEGIN PUBLIC KEY-----", "")
                .replace("-----END PUBLIC KEY-----", "");
        RSAPublicKey key = (RSAPublicKey) KeyFactory.getInstance("RSA")
                .generatePublic(new X509EncodedKeySpec(Base64.getMimeDecoder().decode(base64)));
        NimbusJwtDecoder decoder = NimbusJwtDecoder.withPublicKey(key).build();
        decoder.setJwtValidator(JwtValidators.createDefaultWithIssuer(DevTokens.ISSUER));
        return decoder;
    }
}
