package io.vgpufleet.agent.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.kernel.KernelError;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.VgpuTypeCapacity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Runs on a tree on disk and on the fleet simulator's in-memory tree: the kernel must answer the same on both. */
@ParameterizedClass(name = "{0} tree")
@EnumSource(HostTree.class)
class SimulatedKernelTest {

    private static final String UUID_1 = "11111111-2222-4333-8444-555555555555";
    private static final String UUID_2 = "21111111-2222-4333-8444-555555555555";

    @Parameter
    HostTree tree;

    @TempDir
    Path temp;

    private HostTree.Place place;
    private Path root;
    private SimulatedKernel kernel;
    private String p4;

    @BeforeEach
    void layOutTwoP4s() {
        place = tree.open(temp);
        root = place.root("host-1");
        SimulatedHost.layOut(root, HostProfile.P4, 3);
        kernel = new SimulatedKernel(root);
        p4 = discover().gpus().get(0).pciBdf();
    }

    @AfterEach
    void closeTheTree() throws IOException {
        place.close();
    }

    @Test
    void createMakesTheDeviceAndItsLinksAndLowersCapacity() throws KernelError {
        kernel.create(p4, "nvidia-65", UUID_1);

        assertThat(root.resolve("bus/mdev/devices").resolve(UUID_1).resolve("mdev_type")).isDirectory();
        assertThat(root.resolve("class/mdev_bus").resolve(p4).resolve("mdev_supported_types/nvidia-65/devices")
                .resolve(UUID_1)).isDirectory();
        assertThat(available(p4, "nvidia-65")).isEqualTo(3);
        assertThat(discover().vgpus()).singleElement().satisfies(vgpu -> assertThat(vgpu.typeId()).isEqualTo("nvidia-65"));
    }

    @Test
    void onceAPgpuHoldsOneTypeEveryOtherTypeHasNoInstanceLeft() throws KernelError {
        kernel.create(p4, "nvidia-65", UUID_1);

        assertThat(available(p4, "nvidia-64")).isZero();
        assertThat(errnoOf(() -> kernel.create(p4, "nvidia-64", UUID_2))).isEqualTo(KernelError.EUSERS);
    }

    @Test
    void removeGivesEveryTypeItsCapacityBack() throws KernelError {
        kernel.create(p4, "nvidia-65", UUID_1);

        kernel.remove(UUID_1);

        assertThat(root.resolve("bus/mdev/devices").resolve(UUID_1)).doesNotExist();
        assertThat(available(p4, "nvidia-64")).isEqualTo(8);
        assertThat(available(p4, "nvidia-65")).isEqualTo(4);
        assertThat(discover().vgpus()).isEmpty();
    }

    @Test
    void answersWithTheKernelsErrors() throws KernelError {
        kernel.create(p4, "nvidia-289", UUID_1);

        assertThat(errnoOf(() -> kernel.create(p4, "nvidia-289", "not-a-uuid"))).isEqualTo(KernelError.EINVAL);
        assertThat(errnoOf(() -> kernel.create(p4, "nvidia-289", UUID_1))).isEqualTo(KernelError.EEXIST);
        assertThat(errnoOf(() -> kernel.create(p4, "nvidia-289", UUID_2))).isEqualTo(KernelError.EUSERS);
        assertThat(errnoOf(() -> kernel.create("0000:ff:1f.7", "nvidia-289", UUID_2))).isEqualTo(KernelError.ENODEV);
        assertThat(errnoOf(() -> kernel.create(p4, "nvidia-999", UUID_2))).isEqualTo(KernelError.ENOENT);
        assertThat(errnoOf(() -> kernel.remove(UUID_2))).isEqualTo(KernelError.ENODEV);
    }

    @Test
    void neverResolvesHostileNames() throws IOException {
        assertThat(errnoOf(() -> kernel.create("../../..", "nvidia-289", UUID_1))).isEqualTo(KernelError.ENODEV);
        assertThat(errnoOf(() -> kernel.create(p4, "../../../../x", UUID_1))).isEqualTo(KernelError.ENOENT);
        assertThat(errnoOf(() -> kernel.create(p4, "nvidia-289", "../" + UUID_1))).isEqualTo(KernelError.EINVAL);
        assertThat(errnoOf(() -> kernel.remove("../../../etc"))).isEqualTo(KernelError.EINVAL);
        try (var files = Files.list(root.getParent())) {
            assertThat(files.map(Path::getFileName).map(Path::toString)).doesNotContain("x", "etc");
        }
    }

    @Test
    void aVirtualFunctionTakesACreatableTypeAndTheOthersShrinkToIt() throws KernelError {
        Path h100Root = place.root("h100");
        SimulatedHost.layOut(h100Root, HostProfile.H100, 3);
        SimulatedKernel h100 = new SimulatedKernel(h100Root);
        PhysicalGpu gpu = new HostDiscovery(new SysfsReader(h100Root), new SimulatedNvml(h100Root), "h1")
                .discover().gpus().get(0);
        String vf0 = gpu.virtualFunctions().get(0).pciBdf();
        String vf1 = gpu.virtualFunctions().get(1).pciBdf();

        h100.assignVirtualFunction(vf0, "866", UUID_1);

        PhysicalGpu after = new HostDiscovery(new SysfsReader(h100Root), new SimulatedNvml(h100Root), "h1")
                .discover().gpus().get(0);
        assertThat(after.virtualFunctions().get(0).currentTypeId()).isEqualTo("866");
        assertThat(after.virtualFunctions().get(1).creatableTypeIds()).isEmpty();
        assertThat(errnoOf(() -> h100.assignVirtualFunction(vf0, "866", UUID_2))).isEqualTo(KernelError.EBUSY);
        assertThat(errnoOf(() -> h100.assignVirtualFunction(vf1, "866", UUID_2))).isEqualTo(KernelError.EINVAL);

        h100.clearVirtualFunction(vf0);

        assertThat(errnoOf(() -> h100.clearVirtualFunction(vf0))).isEqualTo(KernelError.ENODEV);
        assertThat(new HostDiscovery(new SysfsReader(h100Root), new SimulatedNvml(h100Root), "h1").discover()
                .gpus().get(0).virtualFunctions().get(1).creatableTypeIds()).hasSize(7);
    }

    private DiscoveredHost discover() {
        return new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), "host-1").discover();
    }

    private int available(String parent, String typeId) {
        return discover().gpus().stream().filter(gpu -> gpu.pciBdf().equals(parent)).findFirst().orElseThrow()
                .types().stream().filter(type -> type.typeId().equals(typeId))
                .mapToInt(VgpuTypeCapacity::availableInstances).findFirst().orElseThrow();
    }

    private static String errnoOf(ThrowingCallable call) {
        Throwable thrown = org.assertj.core.api.Assertions.catchThrowable(call);
        assertThat(thrown).isInstanceOf(KernelError.class);
        return ((KernelError) thrown).errno();
    }
}
