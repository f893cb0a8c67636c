package io.vgpufleet.service.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The bearer token a service presents when it calls another service's REST API (lifecycle and
 * migration asking inventory for claims): read from {@code vgpu.security.client-token-file} at every
 * call, so that a rotated token is used without a restart. Without the property the calls carry no
 * token (and a secured service refuses them with 401, which the caller reports).
 *
 * <p>The file holds one JWT (surrounding white space ignored); anything else is refused at the call
 * with a clear error, never sent.
 */
public final class ServiceToken implements Supplier<Optional<String>> {

    private static final Pattern JWT = Pattern.compile("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]*");
    private static final int MAX_LENGTH = 16 * 1024;

    private final @Nullable Path file;

    public ServiceToken(@Nullable Path file) {
        this.file = file;
    }

    /** {@code Bearer <token>}, or empty where no token file is configured. */
    @Override
    public Optional<String> get() {
        if (file == null) {
            return Optional.empty();
        }
        String token;
        try {
            token = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the service token " + file, e);
        }
        if (token.length() > MAX_LENGTH || !JWT.matcher(token).matches()) {
            throw new IllegalStateException("the service token file " + file + " does not hold one JWT");
        }
        return Optional.of("Bearer " + token);
    }
}
