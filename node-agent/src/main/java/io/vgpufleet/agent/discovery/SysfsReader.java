package io.vgpufleet.agent.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.Checks;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The thin reader over a sysfs tree ({@code /sys}, or a simulated host's root). Paths are given as
 * segments relative to the root; every segment must pass {@link SysfsNames#isSafeSegment}, and what a
 * path finally resolves to (through the kernel's symlinks) must lie inside the root. Files are read up
 * to {@value #MAX_BYTES} bytes, as sysfs attributes are at most a page.
 */
public final class SysfsReader {

    public static final int MAX_BYTES = 64 * 1024;

    /** What the first read of an attribute asks for: a page, the most a sysfs attribute shows. */
    private static final int FIRST_READ = 4096;
    private static final Set<OpenOption> READ_NO_FOLLOW = Set.of(StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);

    private final Path root;
    private volatile @Nullable Path realRoot;

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
            checkSegment(segment);
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
        try (SeekableByteChannel channel = Files.newByteChannel(file)) {
            return readBounded(channel, given);
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
        return listReal(inside(dir), dir);
    }

    /** The last name of a symlink's target, as {@code readlink} would show it ({@code ../0000:3b:00.4}). */
    public String linkTargetName(String... segments) throws SysfsException {
        Path link = path(segments);
        return targetName(link, link);
    }

    private Path inside(Path path) throws SysfsException {
        try {
            Path real = path.toRealPath();
            if (!real.startsWith(realRoot())) {
                throw new SysfsException(relative(path) + " resolves outside the sysfs root");
            }
            return real;
        } catch (NoSuchFileException e) {
            throw new SysfsException(relative(path) + " is missing");
        } catch (IOException e) {
            throw new SysfsException("cannot resolve " + relative(path) + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * The root's real path, resolved once: the root itself is configuration, not host input. Resolved
     * lazily, since a simulated host may be laid out after the reader was made.
     */
    private Path realRoot() throws IOException {
        Path real = realRoot;
        if (real == null) {
            real = root.toRealPath();
            if (!Files.isDirectory(real)) {
                throw new NoSuchFileException(root.toString());
            }
            realRoot = real;
        }
        return real;
    }

    /**
     * Reads one attribute without following a link in its last name: the directory it lies in was
     * resolved and checked already. A link there (sysfs has none among attributes) is resolved and
     * checked like any other path before it is read.
     */
    private String readAttribute(Path file, Path shown) throws SysfsException {
        try (SeekableByteChannel channel = Files.newByteChannel(file, READ_NO_FOLLOW)) {
            return readBounded(channel, shown);
        } catch (NoSuchFileException e) {
            throw new SysfsException(relative(shown) + " is missing");
        } catch (FileSystemException e) {
            if (!Files.isSymbolicLink(file)) {
                throw new SysfsException("cannot read " + relative(shown) + ": " + e.getClass().getSimpleName());
            }
            try (SeekableByteChannel channel = Files.newByteChannel(inside(file))) {
                return readBounded(channel, shown);
            } catch (IOException again) {
                throw new SysfsException("cannot read " + relative(shown) + ": " + again.getClass().getSimpleName());
            }
        } catch (IOException e) {
            throw new SysfsException("cannot read " + relative(shown) + ": " + e.getClass().getSimpleName());
        }
    }

    /**
     * Up to {@value #MAX_BYTES} bytes. A sysfs attribute answers its whole text in the first read, so a
     * read that leaves the buffer part-empty ends it without a second call for the end of file.
     */
    private String readBounded(SeekableByteChannel channel, Path shown) throws IOException, SysfsException {
        ByteBuffer buffer = ByteBuffer.allocate(FIRST_READ);
        while (true) {
            int n = channel.read(buffer);
            if (n < 0 || (n > 0 && buffer.hasRemaining())) {
                break;
            }
            if (!buffer.hasRemaining()) {
                if (buffer.capacity() > MAX_BYTES) {
                    throw new SysfsException(relative(shown) + " holds more than " + MAX_BYTES + " bytes");
                }
                ByteBuffer bigger = ByteBuffer.allocate(Math.min(buffer.capacity() * 4, MAX_BYTES + 1));
                buffer.flip();
                bigger.put(buffer);
                buffer = bigger;
            }
        }
        return stripTrailingNewline(new String(buffer.array(), 0, buffer.position(), UTF_8));
    }

    /**
     * A directory of the tree whose real path was resolved once and found inside the root. What is read
     * from it by one checked name is not followed through a link, so a device's attributes cost one
     * resolution for the device rather than one per attribute; a subdirectory that is a real directory
     * (not a link) needs none at all.
     */
    public final class Directory {

        private final Path real;
        private final Path shown;
        private final @Nullable Object identity;

        private Directory(Path real, Path shown, @Nullable Object identity) {
            this.real = real;
            this.shown = shown;
            this.identity = identity;
        }

        /**
         * What identifies this very directory (its file key and modification time, from the look-up
         * that found it), or empty where it was reached through a link. The kernel makes a new
         * directory, with a new inode, whenever it makes a device or type again.
         */
        public Optional<Object> identity() {
            return Optional.ofNullable(identity);
        }

        /**
         * The name of the directory this one really lies in (after the kernel's links were resolved), e.g.
         * the parent device's PCI address for an mdev device; empty at the root.
         */
        public Optional<String> realParentName() {
            Path parent = real.getParent();
            Path rootReal = realRoot;
            if (parent == null || rootReal == null || !parent.startsWith(rootReal) || parent.equals(rootReal)) {
                return Optional.empty();
            }
            Path name = parent.getFileName();
            return name == null ? Optional.empty() : Optional.of(name.toString());
        }

        /** A subdirectory by checked names; a link among them is resolved and checked. */
        public Directory sub(String... names) throws SysfsException {
            Path realSub = real;
            Path shownSub = shown;
            boolean linked = false;
            BasicFileAttributes last = null;
            for (String name : names) {
                checkSegment(name);
                realSub = realSub.resolve(name);
                shownSub = shownSub.resolve(name);
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(realSub, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    throw new SysfsException(relative(shownSub) + " is missing");
                } catch (IOException e) {
                    throw new SysfsException("cannot resolve " + relative(shownSub) + ": " + e.getClass().getSimpleName());
                }
                last = attributes;
                if (attributes.isSymbolicLink()) {
                    linked = true;
                } else if (!attributes.isDirectory()) {
                    throw new SysfsException(relative(shownSub) + " is not a directory");
                }
            }
            if (linked) {
                realSub = inside(realSub);
                if (!Files.isDirectory(realSub)) {
                    throw new SysfsException(relative(shownSub) + " is not a directory");
                }
            }
            Object key = linked || last == null || last.fileKey() == null
                    ? null
                    : List.of(realSub, last.fileKey(), last.lastModifiedTime());
            return new Directory(realSub, shownSub, key);
        }

        /** An attribute's text, trimmed of its trailing newline. */
        public String read(String name) throws SysfsException {
            checkSegment(name);
            return readAttribute(real.resolve(name), shown.resolve(name));
        }

        /** The attribute's text, or empty where there is no such file. */
        public Optional<String> readIfPresent(String name) throws SysfsException {
            checkSegment(name);
            if (!exists(real.resolve(name)) && !Files.isSymbolicLink(real.resolve(name))) {
                return Optional.empty();
            }
            return Optional.of(readAttribute(real.resolve(name), shown.resolve(name)));
        }

        public boolean has(String name) throws SysfsException {
            checkSegment(name);
            return exists(real.resolve(name));
        }

        /** The names in the directory, sorted. */
        public List<String> list() throws SysfsException {
            return listReal(real, shown);
        }

        /** The names in a subdirectory, sorted; empty where it does not exist. */
        public List<String> list(String name) throws SysfsException {
            checkSegment(name);
            if (!isDirectory(real.resolve(name))) {
                return List.of();
            }
            return sub(name).list();
        }

        /** The last name of a link's target in this directory. */
        public String linkTargetName(String name) throws SysfsException {
            checkSegment(name);
            return targetName(real.resolve(name), shown.resolve(name));
        }
    }

    /**
     * What identifies the entry at the path itself (a link is not followed): its file key and
     * modification time, or empty where it does not exist or the file system has no file keys. sysfs
     * makes a new entry, with a new inode, when the kernel adds a device again, so an equal identity is the
     * same device.
     */
    public Optional<Object> entryIdentity(String... segments) throws SysfsException {
        Path given = path(segments);
        try {
            BasicFileAttributes attributes = Files.readAttributes(given, BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            Object key = attributes.fileKey();
            return key == null ? Optional.empty() : Optional.of(List.of(given, key, attributes.lastModifiedTime()));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** A directory by checked segments, resolved through the kernel's links once and checked to lie inside the root. */
    public Directory directory(String... segments) throws SysfsException {
        Path given = path(segments);
        Path real = inside(given);
        if (!Files.isDirectory(real)) {
            throw new SysfsException(relative(given) + " is not a directory");
        }
        return new Directory(real, given, null);
    }

    private List<String> listReal(Path dir, Path shown) throws SysfsException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        } catch (IOException e) {
            throw new SysfsException("cannot list " + relative(shown) + ": " + e.getClass().getSimpleName());
        }
        names.sort(null);
        return names;
    }

    private String targetName(Path link, Path shown) throws SysfsException {
        try {
            Path target = Files.readSymbolicLink(link).getFileName();
            if (target == null) {
                throw new SysfsException(relative(shown) + " points nowhere");
            }
            return target.toString();
        } catch (IOException | UnsupportedOperationException e) {
            throw new SysfsException(relative(shown) + " is not a readable link");
        }
    }

    /**
     * Whether the path exists (following links). On the default file system {@code java.io.File} answers
     * absence without an exception (NIO on JDK 17 throws one inside); another file system (a simulated
     * host's in-memory tree) has no {@code java.io.File} and is asked through NIO.
     */
    private static boolean exists(Path path) {
        return path.getFileSystem() == FileSystems.getDefault() ? path.toFile().exists() : Files.exists(path);
    }

    private static boolean isDirectory(Path path) {
        return path.getFileSystem() == FileSystems.getDefault() ? path.toFile().isDirectory() : Files.isDirectory(path);
    }

    private static void checkSegment(String segment) throws SysfsException {
        if (!SysfsNames.isSafeSegment(segment)) {
            throw new SysfsException("refusing path segment '" + Checks.printable(segment) + "'");
        }
    }

    private String relative(Path path) {
        return Checks.printable(root.relativize(path).toString());
    }

    private static String stripTrailingNewline(String text) {
        return text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    }
}
