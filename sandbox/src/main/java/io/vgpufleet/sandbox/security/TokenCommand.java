package io.vgpufleet.sandbox.security;

import io.vgpufleet.sandbox.SandboxOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;

/**
 * {@code ./sandbox.sh token ROLE [--subject=NAME] [--ttl=PT1H] [--data-dir=DIR]}: prints one token of the
 * sandbox's key to standard output, for scripts ({@code TOKEN=$(./sandbox.sh token operator)}).
 */
public final class TokenCommand {

    public static final String NAME = "token";
    public static final String USAGE = "usage: ./sandbox.sh token viewer|operator|admin [--subject=NAME] [--ttl=PT12H]"
            + " [--data-dir=DIR]";

    private TokenCommand() {}

    /** Returns the exit code: 0 with the token printed, 2 for a bad command line, 1 when the key is unusable. */
    public static int run(List<String> args, Path workingDir, PrintStream out, PrintStream err) {
        String role = null;
        String subject = null;
        Duration ttl = DevTokens.DEFAULT_LIFETIME;
        Path dataDir = SandboxOptions.DEFAULT_DATA_DIR;
        try {
            for (String arg : args) {
                if (arg.startsWith("--subject=")) {
                    subject = arg.substring("--subject=".length());
                } else if (arg.startsWith("--ttl=")) {
                    ttl = Duration.parse(arg.substring("--ttl=".length()));
                } else if (arg.startsWith("--data-dir=")) {
                    dataDir = Path.of(arg.substring("--data-dir=".length()));
                } else if (!arg.startsWith("-") && role == null) {
                    role = arg;
                } else {
                    throw new IllegalArgumentException("unknown argument " + arg);
                }
            }
            if (role == null) {
                throw new IllegalArgumentException("which role?");
            }
            if (!DevTokens.ROLES.contains(role)) {
                throw new IllegalArgumentException("a role is one of " + DevTokens.ROLES + ", not " + role);
            }
        } catch (IllegalArgumentException | DateTimeParseException e) {
            err.println("sandbox token: " + e.getMessage());
            err.println(USAGE);
            return 2;
        }
        try {
            Path keys = workingDir.resolve(dataDir).resolve("keys");
            DevTokens tokens = DevTokens.openOrCreate(keys, Clock.systemUTC());
            out.println(tokens.mint(subject == null ? "dev-" + role : subject, List.of(role), ttl));
            return 0;
        } catch (IllegalArgumentException e) {
            err.println("sandbox token: " + e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (IOException | IllegalStateException e) {
            err.println("sandbox token: " + e.getMessage());
            return 1;
        }
    }
}
