package io.vgpufleet.agent.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.agent.nvml.NoNvml;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import io.vgpufleet.agent.simulator.HostTree;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs on a tree on disk and on the fleet simulator's in-memory tree: discovery must read the same from both. */
@ParameterizedClass(name = "{0} tree")
@EnumSource(HostTree.class)
class HostDiscoveryTest {

    private static final String P4 = "0000:83:00.0";
    private static final String VGPU = "b0f1c8de-6f43-4c3b-9a7e-1f2d3c4b5a69";

    @Parameter
    HostTree tree;

    @TempDir
    Path temp;

    private HostTree.Place place;
    private Path root;

    @BeforeEach
    void openTheTree() {
        place = tree.open(temp);
        root = place.root("host-1");
    }

    @AfterEach
    void closeTheTree() throws IOException {
        place.close();
    }

    @Test
    void readsAnMdevParentItsTypesAndItsVgpuFromTheKernelsFiles() throws IOException {
        Path parent = p4Parent();
        Path type = mdevType(parent, "nvidia-289", "GRID P4-8C",
                "num heads=1, frl config=60, framebuffer=8192M, max resolution=4096x2160, max instance=1", "0");
        mdevDevice(parent, type, VGPU, "frame_rate_limiter=0, disable_vnc=1");

        DiscoveredHost host = discover();

        assertThat(host.problems()).isEmpty();
        assertThat(host.hostKind()).isEqualTo(HostKind.MDEV);
        PhysicalGpu gpu = host.gpus().get(0);
        assertThat(gpu.pciBdf()).isEqualTo(P4);
        assertThat(gpu.model()).isEqualTo("Tesla P4");
        assertThat(gpu.numaNode()).isEqualTo(1);
        assertThat(gpu.cpuAffinity()).isEqualTo("16-31,48-63");
        assertThat(gpu.eccMode()).isEqualTo(EccMode.UNKNOWN);
        assertThat(gpu.nvml().status()).isEqualTo(NoNvml.LIBRARY_NOT_FOUND);
        assertThat(gpu.types()).containsExactly(new VgpuTypeCapacity(
                "nvidia-289", "GRID P4-8C", VgpuClass.C, 8192, 1, 0, 1, 60, "4096x2160", "vfio-pci", null));
        assertThat(host.vgpus()).singleElement().satisfies(vgpu -> {
            assertThat(vgpu.uuid()).isEqualTo(VGPU);
            assertThat(vgpu.gpuUuid()).isEqualTo(gpu.uuid());
            assertThat(vgpu.typeId()).isEqualTo("nvidia-289");
            assertThat(vgpu.params()).isEqualTo(Map.of("frame_rate_limiter", "0", "disable_vnc", "1"));
        });
    }

    @Test
    void reportsTheGpuWithTheTypesThatCouldBeReadWhenOneTypeIsGarbage() throws IOException {
        Path parent = p4Parent();
        mdevType(parent, "nvidia-289", "GRID P4-8C",
                "num heads=1, frl config=60, framebuffer=8192M, max resolution=4096x2160, max instance=1", "1");
        mdevType(parent, "nvidia-64", "GRID P4-1Q", "num heads=4, framebuffer=1024M, max instance=8", "many\u001b[2J");

        DiscoveredHost host = discover();

        assertThat(host.gpus()).singleElement().satisfies(gpu ->
                assertThat(gpu.types()).extracting(VgpuTypeCapacity::typeId).containsExactly("nvidia-289"));
        assertThat(host.problems()).singleElement().asString()
                .contains("nvidia-64", "available_instances must be a count")
                .doesNotContain("\u001b");
    }

    @Test
    void neverFollowsALinkOutOfTheRootNorANameThatIsNotAnAddress() throws IOException {
        Path outside = place.root("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("secret"), "do not read");
        Files.createDirectories(root.resolve("class/mdev_bus"));
        Files.createSymbolicLink(root.resolve("class/mdev_bus/0000:84:00.0"), outside);
        Files.createDirectories(root.resolve("class/mdev_bus/..0000:85:00.0"));

        DiscoveredHost host = discover();

        assertThat(host.gpus()).isEmpty();
        assertThat(host.problems()).anySatisfy(problem -> assertThat(problem).contains("resolves outside the sysfs root"))
                .anySatisfy(problem -> assertThat(problem).contains("not a PCI address"));
    }

    @Test
    void skipsTypeDirectoriesAndDevicesWhoseNamesAreNotTheKernels() throws IOException {
        Path parent = p4Parent();
        mdevType(parent, "nvidia-289", "GRID P4-8C", "framebuffer=8192M, max instance=1", "1");
        Files.createDirectories(parent.resolve("mdev_supported_types/evil-type"));
        Files.createDirectories(root.resolve("bus/mdev/devices/not-a-uuid"));

        DiscoveredHost host = discover();

        assertThat(host.gpus()).hasSize(1);
        assertThat(host.vgpus()).isEmpty();
        assertThat(host.problems()).hasSize(2)
                .anySatisfy(problem -> assertThat(problem).contains("evil-type", "not an nvidia-<n> type id"))
                .anySatisfy(problem -> assertThat(problem).contains("not-a-uuid", "not a UUID"));
    }

    @Test
    void readsEachMdevUnderItsParentAndTypeFromOneListingOfTheMdevBus() throws IOException {
        Path parent = p4Parent();
        Path p8c = mdevType(parent, "nvidia-289", "GRID P4-8C", "framebuffer=8192M, max instance=1", "0");
        Path p1q = mdevType(parent, "nvidia-64", "GRID P4-1Q", "num heads=4, framebuffer=1024M, max instance=8", "7");
        String second = "0c4f2a1e-1111-4d2b-8a3c-5e6f7a8b9c0d";
        mdevDevice(parent, p8c, VGPU, "frame_rate_limiter=0");
        mdevDevice(parent, p1q, second, "");

        DiscoveredHost host = discover();

        assertThat(host.problems()).isEmpty();
        assertThat(host.vgpus()).extracting(vgpu -> vgpu.uuid() + " " + vgpu.typeId() + " " + vgpu.params())
                .containsExactly(second + " nvidia-64 {}", VGPU + " nvidia-289 {frame_rate_limiter=0}");
        assertThat(host.vgpus()).allSatisfy(vgpu -> assertThat(vgpu.gpuUuid()).isEqualTo(host.gpus().get(0).uuid()));
    }

    @Test
    void anMdevOfATypeThatCouldNotBeReadIsNotReportedAndNeitherIsOneOutsideAnyParent() throws IOException {
        Path parent = p4Parent();
        Path broken = mdevType(parent, "nvidia-289", "GRID P4-8C", "framebuffer=8192M, max instance=1", "garbage");
        mdevDevice(parent, broken, VGPU, "");
        Path stray = root.resolve("devices/virtual/mdev").resolve("0c4f2a1e-1111-4d2b-8a3c-5e6f7a8b9c0d");
        write(stray.resolve("nvidia/vgpu_params"), "");
        Files.createSymbolicLink(stray.resolve("mdev_type"), root.getFileSystem().getPath("../mdev_supported_types/nvidia-289"));
        Files.createSymbolicLink(root.resolve("bus/mdev/devices").resolve(stray.getFileName()),
                root.resolve("bus/mdev/devices").relativize(stray));

        DiscoveredHost host = discover();

        assertThat(host.gpus()).singleElement().satisfies(gpu -> assertThat(gpu.types()).isEmpty());
        assertThat(host.vgpus()).isEmpty();
        assertThat(host.problems()).singleElement().asString().contains("nvidia-289", "available_instances");
    }

    @Test
    void aLaterDiscoverySeesWhatChangedInTheCountersAndTheMdevs() throws IOException {
        Path parent = p4Parent();
        Path type = mdevType(parent, "nvidia-289", "GRID P4-8C", "framebuffer=8192M, max instance=1", "1");
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(root), new NoNvml(), "host-1");
        DiscoveredHost before = discovery.discover();

        mdevDevice(parent, type, VGPU, "");
        Files.writeString(type.resolve("available_instances"), "0\n");
        DiscoveredHost after = discovery.discover();

        assertThat(before.vgpus()).isEmpty();
        assertThat(before.gpus().get(0).types().get(0).availableInstances()).isEqualTo(1);
        assertThat(after.vgpus()).extracting(vgpu -> vgpu.uuid()).containsExactly(VGPU);
        assertThat(after.gpus().get(0).types().get(0).availableInstances()).isZero();
        assertThat(discovery.discover().sameContentAs(after)).isTrue();
    }

    @Test
    void anEmptyRootIsAHostWithoutGpus() {
        DiscoveredHost host = new HostDiscovery(new SysfsReader(root.resolve("absent")), new NoNvml(), "host-1").discover();

        assertThat(host.gpus()).isEmpty();
        assertThat(host.vgpuManager().running()).isFalse();
    }

    @Test
    void readsEveryModelOfTheSimulatedMixedHost() {
        SimulatedHost simulated = SimulatedHost.layOut(root, HostProfile.MIXED, 7);

        DiscoveredHost host = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(simulated.root()), "host-1")
                .discover();

        assertThat(host.problems()).isEmpty();
        assertThat(host.gpus()).extracting(PhysicalGpu::model).containsExactly(
                "Tesla P4", "Tesla T4", "NVIDIA A100-SXM4-40GB", "NVIDIA H100 80GB HBM3");
        assertThat(host.gpus()).extracting(PhysicalGpu::hostKind)
                .containsExactly(HostKind.MDEV, HostKind.MDEV, HostKind.MDEV, HostKind.VENDOR_VFIO);
        assertThat(host.gpus().get(0).types()).hasSize(14);
        assertThat(host.gpus().get(1).types()).hasSize(15);
        PhysicalGpu h100 = host.gpus().get(3);
        assertThat(h100.virtualFunctions()).hasSize(20);
        assertThat(h100.types()).filteredOn(type -> type.name().equals("NVIDIA H100XM-10C")).singleElement()
                .satisfies(type -> {
                    assertThat(type.framebufferMib()).isEqualTo(10240);
                    assertThat(type.maxInstances()).isEqualTo(8);
                    assertThat(type.availableInstances()).isEqualTo(8);
                });
        assertThat(host.vgpuManager().driverVersion()).isEqualTo("550.90.05");
    }

    @Test
    void aPciDeviceThatWasNoNvidiaFunctionIsLookedAtAgainOnceItsEntryIsNew() throws IOException {
        SimulatedHost simulated = SimulatedHost.layOut(root, HostProfile.H100, 3);
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(simulated.root()), "host-1");
        PhysicalGpu first = discovery.discover().gpus().get(0);
        Path entry = root.resolve("bus/pci/devices").resolve(first.pciBdf());
        Path target = Files.readSymbolicLink(entry);
        Path other = root.resolve("devices/pci0000:00/0000:00:1f.0");
        write(other.resolve("vendor"), "0x8086");
        Files.delete(entry);
        Files.createSymbolicLink(entry, entry.getParent().relativize(other));

        DiscoveredHost withoutIt = discovery.discover();
        DiscoveredHost stillWithoutIt = discovery.discover();
        Files.delete(entry);
        Files.createSymbolicLink(entry, target);
        DiscoveredHost withItAgain = discovery.discover();

        assertThat(withoutIt.gpus()).extracting(PhysicalGpu::pciBdf).doesNotContain(first.pciBdf());
        assertThat(stillWithoutIt.gpus()).extracting(PhysicalGpu::pciBdf).doesNotContain(first.pciBdf());
        assertThat(withItAgain.gpus()).extracting(PhysicalGpu::pciBdf).contains(first.pciBdf());
        assertThat(withItAgain.gpus()).filteredOn(gpu -> gpu.pciBdf().equals(first.pciBdf())).singleElement()
                .isEqualTo(first);
    }

    private DiscoveredHost discover() {
        return new HostDiscovery(new SysfsReader(root), new NoNvml(), "host-1").discover();
    }

    private Path p4Parent() throws IOException {
        Path device = root.resolve("devices/pci0000:80/0000:80:02.0").resolve(P4);
        write(device.resolve("vendor"), "0x10de");
        write(device.resolve("device"), "0x1bb3");
        write(device.resolve("numa_node"), "1");
        write(device.resolve("local_cpulist"), "16-31,48-63");
        Files.createDirectories(root.resolve("class/mdev_bus"));
        Files.createSymbolicLink(root.resolve("class/mdev_bus").resolve(P4),
                root.getFileSystem().getPath("../../devices/pci0000:80/0000:80:02.0", P4));
        return device;
    }

    private static Path mdevType(Path parent, String id, String name, String description, String available)
            throws IOException {
        Path type = parent.resolve("mdev_supported_types").resolve(id);
        write(type.resolve("name"), name);
        write(type.resolve("description"), description);
        write(type.resolve("available_instances"), available);
        write(type.resolve("device_api"), "vfio-pci");
        write(type.resolve("create"), "");
        Files.createDirectories(type.resolve("devices"));
        return type;
    }

    private void mdevDevice(Path parent, Path type, String uuid, String params) throws IOException {
        Path device = parent.resolve(uuid);
        write(device.resolve("nvidia/vgpu_params"), params);
        Files.createSymbolicLink(device.resolve("mdev_type"), root.getFileSystem().getPath("../mdev_supported_types", type.getFileName().toString()));
        Files.createSymbolicLink(type.resolve("devices").resolve(uuid), root.getFileSystem().getPath("../../..", uuid));
        Files.createDirectories(root.resolve("bus/mdev/devices"));
        Files.createSymbolicLink(root.resolve("bus/mdev/devices").resolve(uuid),
                root.resolve("bus/mdev/devices").relativize(device));
    }

    private static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content + "\n");
    }
}
