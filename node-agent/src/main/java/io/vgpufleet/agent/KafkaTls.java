package io.vgpufleet.agent;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Mutual TLS to Kafka for the agent: the CA that signed the brokers, and the agent's own key and
 * certificate chain ({@code CN=node-agent-<hostId>}, the principal its ACLs name; docs/security.md). Both
 * stores are PKCS#12; their passwords are read from files (mode 0600, owned by the agent's user), never
 * from the command line, where {@code ps} shows them to every user of the host.
 */
public record KafkaTls(Path truststore, Path truststorePasswordFile, Path keystore, Path keystorePasswordFile) {

    /** The four options, all given or none: TLS or plaintext, never half of it. */
    static @Nullable KafkaTls of(String truststore, String truststorePasswordFile, String keystore,
            String keystorePasswordFile) {
        int given = (truststore.isEmpty() ? 0 : 1) + (truststorePasswordFile.isEmpty() ? 0 : 1)
                + (keystore.isEmpty() ? 0 : 1) + (keystorePasswordFile.isEmpty() ? 0 : 1);
        if (given == 0) {
            return null;
        }
        if (given != 4) {
            throw new IllegalArgumentException("--kafka-truststore, --kafka-truststore-password-file, --kafka-keystore"
                    + " and --kafka-keystore-password-file go together: give all four for TLS, or none");
        }
        return new KafkaTls(Path.of(truststore), Path.of(truststorePasswordFile), Path.of(keystore),
                Path.of(keystorePasswordFile));
    }

    /** The settings every Kafka client of the agent adds; reads the password files. */
    public Map<String, Object> clientSettings() {
        return Map.of(
                "security.protocol", "SSL",
                "ssl.truststore.location", readable(truststore, "--kafka-truststore").toString(),
                "ssl.truststore.type", "PKCS12",
                "ssl.truststore.password", password(truststorePasswordFile, "--kafka-truststore-password-file"),
                "ssl.keystore.location", readable(keystore, "--kafka-keystore").toString(),
                "ssl.keystore.type", "PKCS12",
                "ssl.keystore.password", password(keystorePasswordFile, "--kafka-keystore-password-file"));
    }

    private static Path readable(Path file, String option) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalStateException(option + " " + file + " is not a readable file");
        }
        return file;
    }

    /** The file's first line: what {@code echo secret > file} writes, without the newline. */
    private static String password(Path file, String option) {
        try {
            String text = Files.readString(readable(file, option), StandardCharsets.UTF_8);
            String password = text.lines().findFirst().orElse("");
            if (password.isEmpty()) {
                throw new IllegalStateException(option + " " + file + " is empty");
            }
            return password;
        } catch (IOException e) {
            throw new IllegalStateException(option + " " + file + " cannot be read: " + e.getMessage(), e);
        }
    }

    /** Passwords stay out of logs. */
    @Override
    public String toString() {
        return "KafkaTls[truststore=" + truststore + ", keystore=" + keystore + "]";
    }
}
