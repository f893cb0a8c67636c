package io.vgpufleet.agent.simulator;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The two kinds of tree a simulated host (and discovery over it) runs on, for tests that must pass on both:
 * a directory on disk, and the fleet simulator's in-memory file system ({@link InMemoryTrees}).
 *
 * <pre>{@code
 * @ParameterizedClass @EnumSource(HostTree.class)
 * class SomeTest {
 *     @Parameter HostTree tree;
 *     @TempDir Path temp;
 *     // place = tree.open(temp); root = place.root("host-1"); ... place.close();
 * }
 * }</pre>
 */
public enum HostTree {
    DISK,
    MEMORY;

    /** Where roots of this kind are made: under the test's temporary directory, or in a new in-memory file system. */
    public Place open(Path tempDir) {
        if (this == DISK) {
            return new Place(tempDir, null);
        }
        FileSystem fileSystem = InMemoryTrees.newFleetTree();
        return new Place(fileSystem.getPath("/"), fileSystem);
    }

    /** Roots of one kind, side by side (as a fleet's hosts are); closing it frees an in-memory file system. */
    public static final class Place implements AutoCloseable {

        private final Path base;
        private final @Nullable FileSystem fileSystem;

        private Place(Path base, @Nullable FileSystem fileSystem) {
            this.base = base;
            this.fileSystem = fileSystem;
        }

        /** A root (not yet made) named {@code name} in this place. */
        public Path root(String name) {
            return base.resolve(name);
        }

        @Override
        public void close() throws IOException {
            if (fileSystem != null) {
                fileSystem.close();
            }
        }
    }
}
