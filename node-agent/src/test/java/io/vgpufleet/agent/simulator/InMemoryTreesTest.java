package io.vgpufleet.agent.simulator;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.hypervisor.SimulatedHypervisor;
import io.vgpufleet.agent.kernel.KernelError;
import io.vgpufleet.agent.kernel.SysfsHostWriter;
import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the simulated kernel and discovery rely on from a file system, checked on the in-memory one: links
 * resolved relative to where they lie, real paths, an identity per entry that changes when an entry is made
 * again, the kernel's errors as the JDK reports them, atomic moves; and that a host laid out in memory is
 * discovered exactly as the same host on disk.
 */
class InMemoryTreesTest {

    private final FileSystem memory = InMemoryTrees.newFleetTree();

    @AfterEach
    void close() throws IOException {
        memory.close();
    }

    @Test
    void relativeLinksResolveFromTheirOwnDirectoryAndReadBackAsWritten() throws IOException {
        Path device = Files.createDirectories(memory.getPath("/h/devices/pci0000:3b/0000:3b:00.0"));
        Files.writeString(device.resolve("vendor"), "0x10de\n");
        Path link = Files.createDirectories(memory.getPath("/h/bus/pci/devices")).resolve("0000:3b:00.0");
        Files.createSymbolicLink(link, memory.getPath("../../../devices/pci0000:3b/0000:3b:00.0"));

        assertThat(Files.readSymbolicLink(link).toString()).isEqualTo("../../../devices/pci0000:3b/0000:3b:00.0");
        assertThat(link.toRealPath()).isEqualTo(device);
        assertThat(link.resolve("vendor").toRealPath()).isEqualTo(device.resolve("vendor"));
        assertThat(Files.readString(link.resolve("vendor"))).isEqualTo("0x10de\n");
        assertThat(Files.isSymbolicLink(link)).isTrue();
        assertThat(Files.isDirectory(link)).isTrue();
        assertThat(Files.isDirectory(link, LinkOption.NOFOLLOW_LINKS)).isFalse();
    }

    @Test
    void anEntryMadeAgainHasAnotherIdentityAndTheSameEntryKeepsItsOwn() throws IOException {
        Path dir = Files.createDirectories(memory.getPath("/h/devices/x"));
        Object first = key(dir);

        assertThat(key(dir)).isEqualTo(first).isNotNull();
        Files.delete(dir);
        Files.createDirectory(dir);
        assertThat(key(dir)).isNotEqualTo(first);
    }

    @Test
    void answersAbsenceBusyDirectoriesAndExistingNamesAsTheJdkDoesOnDisk() throws IOException {
        Path dir = Files.createDirectories(memory.getPath("/h/d"));
        Files.writeString(dir.resolve("f"), "1\n");

        assertThatThrownBy(() -> Files.readString(dir.resolve("absent"))).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> dir.resolve("absent").toRealPath()).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> Files.write(dir.resolve("absent"), new byte[] {1}, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> Files.delete(dir)).isInstanceOf(DirectoryNotEmptyException.class);
        assertThatThrownBy(() -> Files.createFile(dir.resolve("f"))).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> Files.createSymbolicLink(dir.resolve("f"), memory.getPath("x")))
                .isInstanceOf(FileAlreadyExistsException.class);
        assertThat(Files.exists(dir.resolve("absent"))).isFalse();
    }

    @Test
    void readingALinkWithoutFollowingItFailsAsOnLinux() throws IOException {
        Path dir = Files.createDirectories(memory.getPath("/h/d"));
        Files.writeString(dir.resolve("f"), "1\n");
        Files.createSymbolicLink(dir.resolve("l"), memory.getPath("f"));

        assertThatThrownBy(() -> Files.newByteChannel(dir.resolve("l"), StandardOpenOption.READ,
                LinkOption.NOFOLLOW_LINKS).close()).isInstanceOf(FileSystemException.class);
        assertThat(Files.readString(dir.resolve("l"))).isEqualTo("1\n");
    }

    @Test
    void anAtomicMoveReplacesTheTargetAndListingsSeeWhatIsThere() throws IOException {
        Path dir = Files.createDirectories(memory.getPath("/h/vms"));
        Files.writeString(dir.resolve("vm-1"), "old\n");
        Files.writeString(dir.resolve(".vm-1.tmp"), "new\n");

        Files.move(dir.resolve(".vm-1.tmp"), dir.resolve("vm-1"), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);

        assertThat(Files.readString(dir.resolve("vm-1"))).isEqualTo("new\n");
        List<String> names = new ArrayList<>();
        try (var entries = Files.newDirectoryStream(dir)) {
            entries.forEach(entry -> names.add(entry.getFileName().toString()));
        }
        assertThat(names).containsExactly("vm-1");
    }

    @Test
    void aPathOfTheDefaultFileSystemIsRefusedNotWrittenOnDisk(@TempDir Path disk) throws IOException {
        Path link = Files.createDirectories(memory.getPath("/h")).resolve("l");

        assertThatThrownBy(() -> Files.createSymbolicLink(link, disk.resolve("x")))
                .isInstanceOf(ProviderMismatchException.class);
        assertThatThrownBy(() -> memory.getPath("/h").resolve(disk)).isInstanceOf(ProviderMismatchException.class);
        try (var onDisk = Files.list(disk)) {
            assertThat(onDisk).isEmpty();
        }
    }

    @Test
    void theSysfsWriterRefusesALinkOutOfTheHostsRootInMemory() throws IOException {
        Path root = memory.getPath("/host-1");
        SimulatedHost.layOut(root, HostProfile.P4, 3);
        Path other = Files.createDirectories(memory.getPath("/host-2/bus/mdev/devices/x/nvidia"));
        Files.writeString(other.resolve("vgpu_params"), "\n");
        String uuid = "11111111-2222-4333-8444-555555555555";
        Files.createSymbolicLink(root.resolve("bus/mdev/devices").resolve(uuid),
                memory.getPath("../../../../host-2/bus/mdev/devices/x"));

        Throwable refused = org.assertj.core.api.Assertions.catchThrowable(
                () -> new SysfsHostWriter(root).writeMdevParams(uuid, Map.of("frame_rate_limiter", "0")));

        assertThat(refused).isInstanceOf(KernelError.class);
        assertThat(((KernelError) refused).errno()).isEqualTo(KernelError.EINVAL);
        assertThat(Files.readString(other.resolve("vgpu_params"), UTF_8)).isEqualTo("\n");
    }

    @Test
    void aHostLaidOutInMemoryIsDiscoveredExactlyAsTheSameHostOnDisk(@TempDir Path disk) throws KernelError {
        for (HostProfile profile : List.of(HostProfile.MIXED, HostProfile.A100X8, HostProfile.H100)) {
            Path onDisk = disk.resolve(profile.optionName());
            Path inMemory = memory.getPath("/" + profile.optionName());
            SimulatedHost.layOut(onDisk, profile, 42);
            SimulatedHost.layOut(inMemory, profile, 42);

            assertThat(discover(inMemory)).isEqualTo(discover(onDisk));
        }
        // and a change through the simulated kernel, the same on both
        String vf = discover(disk.resolve("h100")).gpus().get(0).virtualFunctions().get(0).pciBdf();
        String type = discover(disk.resolve("h100")).gpus().get(0).virtualFunctions().get(0).creatableTypeIds()
                .get(0);
        String uuid = "11111111-2222-4333-8444-555555555555";
        new SimulatedKernel(disk.resolve("h100")).assignVirtualFunction(vf, type, uuid);
        new SimulatedKernel(memory.getPath("/h100")).assignVirtualFunction(vf, type, uuid);

        DiscoveredHost changed = discover(memory.getPath("/h100"));
        assertThat(changed.gpus().get(0).virtualFunctions().get(0).currentTypeId()).isEqualTo(type);
        assertThat(changed).isEqualTo(discover(disk.resolve("h100")));
    }

    private static DiscoveredHost discover(Path root) {
        return new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), "host-1",
                new SimulatedHypervisor(root), () -> true).discover();
    }

    private static Object key(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
    }
}
