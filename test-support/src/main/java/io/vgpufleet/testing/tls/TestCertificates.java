package io.vgpufleet.testing.tls;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A throw-away certificate authority in a directory, and PKCS#12 key stores signed by it, made with the
 * JDK's own {@code keytool} (no other tool, no Bouncy Castle). EC P-256 keys, valid for two days.
 *
 * <pre>{@code
 * TestCertificates pki = TestCertificates.create(tempDir);
 * Path broker = pki.keyStore("kafka-broker", "dns:localhost,ip:127.0.0.1");
 * Path client = pki.keyStore("inventory-service", null);
 * Path trust = pki.trustStore();
 * }</pre>
 *
 * Every store has the same password, {@link #password()}; names are limited to {@code [a-z0-9-]} since they
 * become file names and distinguished names.
 */
public final class TestCertificates {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");
    private static final String CA = "ca";

    private final Path dir;
    private final String password;
    private final Path keytool;

    private TestCertificates(Path dir, String password) {
        this.dir = dir;
        this.password = password;
        this.keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    }

    /** Makes the authority ({@code CN=<authorityName>}) in {@code dir}. */
    public static TestCertificates create(Path dir, String authorityName) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        TestCertificates pki = new TestCertificates(dir, "pw-" + UUID.randomUUID());
        pki.keytool("-genkeypair", "-alias", CA, "-keyalg", "EC", "-groupname", "secp256r1", "-dname",
                "CN=" + checked(authorityName), "-ext", "bc:c", "-validity", "2", "-keystore", pki.store(CA));
        pki.keytool("-exportcert", "-rfc", "-alias", CA, "-keystore", pki.store(CA), "-file", pki.file(CA + ".pem"));
        pki.keytool("-importcert", "-noprompt", "-alias", CA, "-file", pki.file(CA + ".pem"), "-keystore",
                pki.store("truststore"));
        return pki;
    }

    public static TestCertificates create(Path dir) throws IOException, InterruptedException {
        return create(dir, "vgpu-test-ca");
    }

    public String password() {
        return password;
    }

    /** The store that holds the authority's certificate alone. */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    /**
     * A key store for {@code CN=<name>}: its key and its certificate chain to the authority.
     *
     * @param subjectAlternativeNames e.g. {@code dns:localhost,ip:127.0.0.1} for a server; null for a client
     */
    public Path keyStore(String name, String subjectAlternativeNames) throws IOException, InterruptedException {
        checked(name);
        String store = store(name);
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-keystore", store);
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", file(name + ".csr"));
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", CA, "-keystore", store(CA),
                "-infile", file(name + ".csr"), "-outfile", file(name + ".pem"), "-validity", "2",
                "-ext", "EKU=serverAuth,clientAuth"));
        if (subjectAlternativeNames != null) {
            sign.add("-ext");
            sign.add("SAN=" + subjectAlternativeNames);
        }
        keytool(sign.toArray(String[]::new));
        // the reply holds the whole chain (certificate, then the authority's), so one import installs both
        Files.writeString(dir.resolve(name + "-chain.pem"), Files.readString(dir.resolve(name + ".pem"))
                + Files.readString(dir.resolve(CA + ".pem")));
        keytool("-importcert", "-noprompt", "-alias", name, "-file", file(name + "-chain.pem"), "-keystore", store);
        return dir.resolve(name + ".p12");
    }

    private String store(String name) {
        return file(name + ".p12");
    }

    private String file(String name) {
        return dir.resolve(name).toString();
    }

    private static String checked(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("a certificate name is [a-z0-9-], at most 63, was '" + name + "'");
        }
        return name;
    }

    private void keytool(String... arguments) throws IOException, InterruptedException {
        // a short-lived JVM each time: the C1 compiler alone and the serial collector start it fastest
        List<String> command = new ArrayList<>(List.of(keytool.toString(), "-J-XX:TieredStopAtLevel=1",
                "-J-XX:+UseSerialGC"));
        command.addAll(List.of(arguments));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", password, "-keypass", password));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool " + arguments[0] + " did not finish in 60 s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", arguments) + " failed with " + process.exitValue() + ": "
                    + new String(output, StandardCharsets.UTF_8).strip());
        }
    }
}
