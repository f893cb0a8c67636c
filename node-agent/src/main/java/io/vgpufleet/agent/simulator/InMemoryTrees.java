package io.vgpufleet.agent.simulator;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Feature;
import com.google.common.jimfs.Jimfs;
import java.nio.file.FileSystem;
import java.util.UUID;

/**
 * In-memory file systems for simulated hosts: the same {@link SimulatedHost}, {@link SimulatedKernel} and
 * discovery code runs on them as on a directory tree on disk, through {@code java.nio.file} only. A fleet of
 * 10,000 a100x8 hosts is 6.1 million entries, which a disk does not hold cheaply; the heap does (ADR 0012).
 *
 * <p>One file system holds a whole fleet, a root directory per host ({@code /<host id>}), so that a live
 * migration between two simulated hosts ({@code SimulatedHypervisor}, which moves the VM to the target's
 * tree beside its own) works as on disk. It has what the simulated trees use and nothing more: Unix paths,
 * symbolic links (resolved by {@code toRealPath}, read back by {@code readSymbolicLink}), hard links,
 * the {@code basic} attribute view with a file key per entry, atomic moves within the file system.
 * Attributes are a few bytes, so a file's content is held in small blocks.
 *
 * <pre>{@code
 * try (FileSystem fleet = InMemoryTrees.newFleetTree()) {
 *     SimulatedHost host = SimulatedHost.layOut(fleet.getPath("/fleet-00001"), HostProfile.A100X8, 1);
 * }
 * }</pre>
 */
public final class InMemoryTrees {

    /** Bytes per block of a file's content: most sysfs attributes are under 64 bytes, a few near 1 KiB. */
    static final int BLOCK_BYTES = 64;

    private InMemoryTrees() {}

    /** A new, empty in-memory file system for one fleet; closing it frees everything in it. */
    public static FileSystem newFleetTree() {
        Configuration configuration = Configuration.unix().toBuilder()
                .setAttributeViews("basic")
                .setSupportedFeatures(Feature.LINKS, Feature.SYMBOLIC_LINKS, Feature.SECURE_DIRECTORY_STREAM,
                        Feature.FILE_CHANNEL)
                .setBlockSize(BLOCK_BYTES)
                // the heap bounds it; the limit is only there so that a runaway writer fails with ENOSPC
                .setMaxSize(32L * 1024 * 1024 * 1024)
                // freed blocks are left to the garbage collector rather than kept for reuse
                .setMaxCacheSize(0)
                .setWorkingDirectory("/")
                .build();
        return Jimfs.newFileSystem("vgpu-fleet-" + UUID.randomUUID(), configuration);
    }
}
