package io.vgpufleet.sandbox.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The sandbox's signing key and the tokens it mints.
 *
 * <p>The key is an RSA 2048 key pair in {@code <data-dir>/keys}: {@value #PRIVATE_KEY} (PKCS#8 PEM, mode
 * 0600, made once and reused by every later run) and {@value #PUBLIC_KEY} (X.509 PEM), which the services
 * are started with. Tokens are RS256 JWTs with {@code iss} {@value #ISSUER}, {@code sub}, {@code roles},
 * {@code jti}, {@code iat} and {@code exp}: the claims the services check (docs/security.md). They are
 * written with the JDK alone, so the sandbox carries no JOSE library; the test verifies them with the
 * decoder the services use.
 */
public final class DevTokens {

    public static final String ISSUER = "urn:vgpu:sandbox";
    public static final String PRIVATE_KEY = "jwt-signing-key.pem";
    public static final String PUBLIC_KEY = "jwt-public-key.pem";
    public static final List<String> ROLES = List.of("viewer", "operator", "admin");
    public static final Duration DEFAULT_LIFETIME = Duration.ofHours(12);

    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@-]{0,63}");
    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();
    private static final Set<PosixFilePermission> OWNER_ONLY =
            EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);

    private final PrivateKey signingKey;
    private final Path publicKey;
    private final Clock clock;

    private DevTokens(PrivateKey signingKey, Path publicKey, Clock clock) {
        this.signingKey = signingKey;
        this.publicKey = publicKey;
        this.clock = clock;
    }

    /**
     * The key in {@code keysDir}, made there first if it is not there yet. Refuses a private key that others
     * than its owner may read.
     */
    public static DevTokens openOrCreate(Path keysDir, Clock clock) throws IOException {
        Path privatePem = keysDir.resolve(PRIVATE_KEY);
        Path publicPem = keysDir.resolve(PUBLIC_KEY);
        if (!Files.exists(privatePem)) {
            create(keysDir, privatePem, publicPem);
        }
        requireOwnerOnly(privatePem);
        PrivateKey key = readPrivate(privatePem);
        if (!Files.exists(publicPem)) {
            Files.writeString(publicPem, pem("PUBLIC KEY", publicOf(key).getEncoded()), StandardCharsets.US_ASCII);
        }
        return new DevTokens(key, publicPem, clock);
    }

    /** The public key file the services are given. */
    public Path publicKey() {
        return publicKey;
    }

    /** A signed JWT for {@code subject} with {@code roles}, valid for {@code lifetime}. */
    public String mint(String subject, List<String> roles, Duration lifetime) {
        if (!SUBJECT.matcher(subject).matches()) {
            throw new IllegalArgumentException("a subject is 1 to 64 of [A-Za-z0-9._@-], was '" + subject + "'");
        }
        for (String role : roles) {
            if (!ROLES.contains(role)) {
                throw new IllegalArgumentException("a role is one of " + ROLES + ", was '" + role + "'");
            }
        }
        if (lifetime.isNegative() || lifetime.isZero() || lifetime.compareTo(Duration.ofDays(30)) > 0) {
            throw new IllegalArgumentException("a lifetime is more than 0 and at most 30 days, was " + lifetime);
        }
        Instant now = clock.instant();
        // every value is checked above against patterns without quotes or backslashes: nothing to escape
        String payload = "{\"iss\":\"" + ISSUER + "\",\"sub\":\"" + subject + "\",\"roles\":["
                + String.join(",", roles.stream().map(role -> "\"" + role + "\"").toList()) + "],\"jti\":\""
                + UUID.randomUUID() + "\",\"iat\":" + now.getEpochSecond() + ",\"exp\":"
                + now.plus(lifetime).getEpochSecond() + "}";
        String signingInput = encode("{\"alg\":\"RS256\",\"typ\":\"JWT\"}") + "." + encode(payload);
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(signingKey);
            signature.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not sign a token: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code <role>.jwt} (mode 0600) into {@code tokensDir} for each of the {@link #ROLES}, subject
     * {@code dev-<role>}; returns the files in role order.
     */
    public List<Path> writeRoleTokens(Path tokensDir, Duration lifetime) throws IOException {
        Files.createDirectories(tokensDir);
        List<Path> files = new java.util.ArrayList<>();
        for (String role : ROLES) {
            Path file = tokensDir.resolve(role + ".jwt");
            Files.deleteIfExists(file);
            writeOwnerOnly(file, mint("dev-" + role, List.of(role), lifetime) + "\n");
            files.add(file);
        }
        return List.copyOf(files);
    }

    /** The file holding the token the services present to each other (operator), see {@link #writeServiceToken}. */
    public static final String SERVICE_TOKEN = "service.jwt";

    /**
     * Writes {@value #SERVICE_TOKEN} (mode 0600) into {@code tokensDir}: the operator's token, subject
     * {@code sandbox-services}, that lifecycle and migration present when they claim capacity from inventory.
     */
    public Path writeServiceToken(Path tokensDir, Duration lifetime) throws IOException {
        Files.createDirectories(tokensDir);
        Path file = tokensDir.resolve(SERVICE_TOKEN);
        Files.deleteIfExists(file);
        writeOwnerOnly(file, mint("sandbox-services", List.of("operator"), lifetime) + "\n");
        return file;
    }

    private static void create(Path keysDir, Path privatePem, Path publicPem) throws IOException {
        Files.createDirectories(keysDir);
        KeyPair pair;
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            pair = generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK cannot make RSA keys: " + e.getMessage(), e);
        }
        try {
            writeOwnerOnly(privatePem, pem("PRIVATE KEY", pair.getPrivate().getEncoded()));
        } catch (FileAlreadyExistsException e) {
            return; // another sandbox made it at the same moment: use theirs
        }
        Files.writeString(publicPem, pem("PUBLIC KEY", pair.getPublic().getEncoded()), StandardCharsets.US_ASCII);
    }

    /** Created with mode 0600 from the start, never readable by others even for a moment. */
    private static void writeOwnerOnly(Path file, String text) throws IOException {
        if (Files.getFileStore(file.getParent()).supportsFileAttributeView("posix")) {
            FileAttribute<Set<PosixFilePermission>> mode = PosixFilePermissions.asFileAttribute(OWNER_ONLY);
            Files.createFile(file, mode);
        } else {
            Files.createFile(file);
        }
        Files.writeString(file, text, StandardCharsets.US_ASCII);
    }

    private static void requireOwnerOnly(Path privatePem) throws IOException {
        if (Files.getFileStore(privatePem).supportsFileAttributeView("posix")) {
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(privatePem);
            if (!OWNER_ONLY.containsAll(mode)) {
                throw new IllegalStateException(privatePem + " may be read by others ("
                        + PosixFilePermissions.toString(mode) + "): chmod 600 it, or delete it to make a new key");
            }
        }
    }

    private static PrivateKey readPrivate(Path privatePem) throws IOException {
        String text = Files.readString(privatePem, StandardCharsets.US_ASCII)
                .replace("-----BEGIN PRIVATE KEY-----", "")
                .replace("-----END PRIVATE KEY-----", "");
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(Base64.getMimeDecoder().decode(text)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(privatePem + " is not an RSA private key in PKCS#8 PEM: " + e.getMessage()
                    + "; delete it to make a new key", e);
        }
    }

    private static PublicKey publicOf(PrivateKey key) {
        if (!(key instanceof RSAPrivateCrtKey crt)) {
            throw new IllegalStateException("the signing key holds no public exponent; delete it to make a new key");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("could not derive the public key: " + e.getMessage(), e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static String encode(String json) {
        return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }
}
