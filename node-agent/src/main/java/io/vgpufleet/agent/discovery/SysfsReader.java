package io.vgpufleet.agent.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.Checks;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The thin reader over a sysfs tree ({@code /sys}, or a simulated host's root). Paths are given as
 * segments relative to the root; every segment must pass {@link SysfsNames#isSafeSegment}, and what a
 * path finally resolves to (through the kernel's symlinks) must lie inside the root. Files are read up
 * to {@value #MAX_BYTES} bytes, as sysfs attributes are at most a page.
 */
public final class SysfsReader {

    public static final int MAX_BYTES = 64 * 1024;

    private final Path root;

    public SysfsReader(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The path of checked segments under the root, without touching the file system. */
    public Path path(String... segments) throws SysfsException {
        Path path = root;
        for (String segment : segments) {
            if (!SysfsNames.isSafeSegment(segment)) {
                throw new SysfsException("refusing path segment '" + Checks.printable(segment) + "'");
            }
            path = path.resolve(segment);
        }
        return path;
    }

    public boolean exists(String... segments) throws SysfsException {
        return Files.exists(path(segments));
    }

    /** The text of an attribute, trimmed of its trailing newline. */
    public String read(String... segments) throws SysfsException {
        Path given = path(segments);
        Path file = inside(given);
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new SysfsException(relative(given) + " holds more than " + MAX_BYTES + " bytes");
            }
            return stripTrailingNewline(new String(bytes, UTF_8));
        } catch (NoSuchFileException e) {
            throw new SysfsException(relative(given) + " is missing");
        } catch (IOException e) {
            throw new SysfsException("cannot read " + relative(given) + ": " + e.getClass().getSimpleName());
        }
    }

    /** The attribute's text, or empty where the file does not exist. */
    public Optional<String> readIfPresent(String... segments) throws SysfsException {
        if (!Files.exists(path(segments), LinkOption.NOFOLLOW_LINKS)) {
            return Optional.empty();
        }
        return Optional.of(read(segments));
    }

    /** Checks that a directory exists and lies inside the root, e.g. a device a link names. */
    public void requireDirectory(String... segments) throws SysfsException {
        Path dir = inside(path(segments));
        if (!Files.isDirectory(dir)) {
            throw new SysfsException(relative(path(segments)) + " is not a directory");
        }
    }

    /** The names in a directory, sorted; empty where the directory does not exist. */
    public List<String> list(String... segments) throws SysfsException {
        Path dir = path(segments);
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(inside(dir))) {
            List<String> names = new ArrayList<>();
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
            names.sort(null);
            return names;
        } catch (IOException e) {
            throw new SysfsException("cannot list " + relative(dir) + ": " + e.getClass().getSimpleName());
        }
    }

    /** The last name of a symlink's target, as {@code readlink} would show it ({@code ../0000:3b:00.4}). */
    public String linkTargetName(String... segments) throws SysfsException {
        Path link = path(segments);
        try {
            Path target = Files.readSymbolicLink(link).getFileName();
            if (target == null) {
                throw new SysfsException(relative(link) + " points nowhere");
            }
            return target.toString();
        } catch (IOException | UnsupportedOperationException e) {
            throw new SysfsException(relative(link) + " is not a readable link");
        }
    }

    private Path inside(Path path) throws SysfsException {
        try {
            Path real = path.toRealPath();
            if (!Files.isDirectory(root) || !real.startsWith(root.toRealPath())) {
                throw new SysfsException(relative(path) + " resolves outside the sysfs root");
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new SysfsException(relative(path) + " is missing");
        } catch (IOException e) {
            throw new SysfsException("cannot resolve " + relative(path) + ": " + e.getClass().getSimpleName());
        }
    }

    private String relative(Path path) {
        return Checks.printable(root.relativize(path).toString());
    }

    private static String stripTrailingNewline(String text) {
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
