package io.vgpufleet.agent.commands;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.agent.discovery.DiscoveredHost;
import io.vgpufleet.agent.discovery.HostDiscovery;
import io.vgpufleet.agent.discovery.SysfsReader;
import io.vgpufleet.agent.simulator.HostProfile;
import io.vgpufleet.agent.simulator.SimulatedHost;
import io.vgpufleet.agent.simulator.SimulatedHostWriter;
import io.vgpufleet.agent.simulator.SimulatedKernel;
import io.vgpufleet.agent.simulator.SimulatedNvml;
import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.command.CreateVgpu;
import io.vgpufleet.contracts.command.RemoveVgpu;
import io.vgpufleet.contracts.command.SetVgpuParams;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.EventTypes;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandHandlerTest {

    private static final String HOST = "sim-01";
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");
    private static final String UUID_1 = "a1b2c3d4-0000-4000-8000-000000000001";
    private static final String UUID_2 = "a1b2c3d4-0000-4000-8000-000000000002";

    @TempDir
    Path sandbox;

    private Path root;
    private CommandHandler handler;
    private DiscoveredHost host;
    private int changes;
    private int discoveries;

    @BeforeEach
    void startOnASimulatedMixedHost() {
        root = sandbox.resolve("host");
        SimulatedHost.layOut(root, HostProfile.MIXED, 11);
        HostDiscovery discovery = new HostDiscovery(new SysfsReader(root), new SimulatedNvml(root), HOST);
        handler = new CommandHandler(HOST, new HostState() {
            @Override
            public DiscoveredHost discover() {
                discoveries++;
                return discovery.discover();
            }

            @Override
            public void changed() {
                changes++;
            }
        }, new SimulatedHostWriter(new SimulatedKernel(root)), Clock.fixed(NOW, ZoneOffset.UTC));
        host = discovery.discover();
    }

    @Test
    void createsAnMdevVgpuWithItsParams() {
        CommandReply reply = handler.handle(create("c-1", HOST, p4().pciBdf(), "nvidia-289", UUID_1));

        assertThat(reply).isInstanceOf(CommandSucceeded.class);
        assertThat(((CommandSucceeded) reply).result()).containsEntry("vgpuUuid", UUID_1);
        assertThat(root.resolve("bus/mdev/devices").resolve(UUID_1).resolve("nvidia/vgpu_params"))
                .content(UTF_8).contains("frame_rate_limiter=0");
        assertThat(changes).isEqualTo(1);
    }

    @Test
    void createsAVgpuOnAFreeVirtualFunctionOfAVendorVfioGpu() {
        PhysicalGpu h100 = host.gpus().stream().filter(gpu -> gpu.hostKind() == HostKind.VENDOR_VFIO).findFirst().orElseThrow();

        CommandReply reply = handler.handle(create("c-1", HOST, h100.pciBdf(), "862", UUID_1));

        assertThat(reply).isInstanceOf(CommandSucceeded.class);
        assertThat(((CommandSucceeded) reply).result())
                .containsEntry("virtualFunctionBdf", h100.virtualFunctions().get(0).pciBdf());
    }

    @Test
    void aPollsCommandsAreOneBatchWhoseSnapshotGoesOutOnceAfterItsRepliesAndChecksShareADiscovery() {
        String parent = p4().pciBdf();
        handler.handleInBatch(check("k-1", parent));
        CommandReply second = handler.handleInBatch(check("k-2", parent));
        assertThat(second).isInstanceOf(CommandSucceeded.class);
        assertThat(discoveries).as("the second check is validated against the first's discovery").isEqualTo(1);

        assertThat(handler.handleInBatch(create("c-1", HOST, parent, "nvidia-64", UUID_1))).isInstanceOf(CommandSucceeded.class);
        assertThat(handler.handleInBatch(create("c-2", HOST, parent, "nvidia-64", UUID_2))).isInstanceOf(CommandSucceeded.class);
        handler.handleInBatch(check("k-3", parent));
        assertThat(discoveries).as("every change, and the check after one, discovers again").isEqualTo(4);
        assertThat(changes).as("no snapshot before the batch ends").isZero();

        handler.endBatch();
        handler.endBatch();
        assertThat(changes).as("one snapshot for the batch").isEqualTo(1);
    }

    private static io.vgpufleet.contracts.command.CheckMigrationCompatibility check(String id, String parent) {
        return new io.vgpufleet.contracts.command.CheckMigrationCompatibility(id, HOST, NOW, NOW.plusSeconds(60), parent,
                "nvidia-64", "nvidia-vgpu-migration-v1 test", null);
    }

    @Test
    void aRepeatedCommandIdIsAnsweredWithTheFirstOutcomeAndNotRunAgain() {
        CreateVgpu command = create("c-1", HOST, p4().pciBdf(), "nvidia-64", UUID_1);

        CommandReply first = handler.handle(command);
        CommandReply second = handler.handle(command);

        assertThat(second).isSameAs(first).isInstanceOf(CommandSucceeded.class);
        assertThat(changes).isEqualTo(1);
    }

    @Test
    void aUuidInUseFailsWithTheKernelsEexist() {
        handler.handle(create("c-1", HOST, p4().pciBdf(), "nvidia-64", UUID_1));

        CommandReply reply = handler.handle(create("c-2", HOST, p4().pciBdf(), "nvidia-64", UUID_1));

        assertThat(reply).isInstanceOfSatisfying(CommandFailed.class,
                failed -> assertThat(failed.errorCode()).isEqualTo("EEXIST"));
    }

    @Test
    void refusesAnotherHostsCommandWithoutTouchingTheHost() throws IOException {
        List<String> before = tree();

        CommandReply reply = handler.handle(create("c-1", "sim-02", p4().pciBdf(), "nvidia-64", UUID_1));

        assertThat(reply).isInstanceOfSatisfying(CommandRejected.class, rejected -> {
            assertThat(rejected.hostId()).isEqualTo(HOST);
            assertThat(rejected.reasons()).singleElement().asString().contains("sim-02");
        });
        assertThat(tree()).isEqualTo(before);
        assertThat(changes).isZero();
    }

    @Test
    void refusesAParentThatIsNotAGpuOfThisHostAndATypeThePgpuDoesNotHave() throws IOException {
        List<String> before = tree();

        CommandReply unknownParent = handler.handle(create("c-1", HOST, "0000:ff:00.0", "nvidia-64", UUID_1));
        CommandReply foreignType = handler.handle(create("c-2", HOST, p4().pciBdf(), "nvidia-222", UUID_1));

        assertThat(unknownParent).isInstanceOfSatisfying(CommandRejected.class,
                rejected -> assertThat(rejected.reasons()).singleElement().asString().contains("is not a pGPU of host"));
        assertThat(foreignType).isInstanceOfSatisfying(CommandRejected.class,
                rejected -> assertThat(rejected.reasons()).singleElement().asString().contains("is not a vGPU type"));
        assertThat(tree()).isEqualTo(before);
    }

    @Test
    void refusesAnExpiredCommandAndAnAbsentVgpu() {
        CreateVgpu expired = new CreateVgpu("c-1", HOST, NOW.minusSeconds(60), NOW.minusSeconds(1), p4().pciBdf(),
                "nvidia-64", UUID_1, Map.of());

        assertThat(handler.handle(expired)).isInstanceOf(CommandRejected.class);
        assertThat(handler.handle(new RemoveVgpu("c-2", HOST, NOW, NOW.plusSeconds(60), UUID_2)))
                .isInstanceOf(CommandRejected.class);
    }

    @Test
    void removesAVgpuItCreated() {
        handler.handle(create("c-1", HOST, p4().pciBdf(), "nvidia-64", UUID_1));

        CommandReply reply = handler.handle(new RemoveVgpu("c-2", HOST, NOW, NOW.plusSeconds(60), UUID_1));

        assertThat(reply).isInstanceOf(CommandSucceeded.class);
        assertThat(root.resolve("bus/mdev/devices").resolve(UUID_1)).doesNotExist();
    }

    @Test
    void setsAllowListedParamsMergedIntoThoseInForce() throws IOException {
        handler.handle(create("c-1", HOST, p4().pciBdf(), "nvidia-64", UUID_1));

        CommandReply reply = handler.handle(
                new SetVgpuParams("c-2", HOST, NOW, NOW.plusSeconds(60), UUID_1, Map.of("disable_vnc", "1")));

        assertThat(reply).isInstanceOf(CommandSucceeded.class);
        assertThat(Files.readString(root.resolve("bus/mdev/devices").resolve(UUID_1).resolve("nvidia/vgpu_params")))
                .contains("disable_vnc=1", "frame_rate_limiter=0");
    }

    @Test
    void refusesParamsOffTheAllowListOrWithValuesTheKeyDoesNotTake() {
        handler.handle(create("c-1", HOST, p4().pciBdf(), "nvidia-64", UUID_1));

        CommandReply reply = handler.handle(new SetVgpuParams("c-2", HOST, NOW, NOW.plusSeconds(60), UUID_1,
                Map.of("max_pixels", "1", "disable_vnc", "yes")));

        assertThat(reply).isInstanceOfSatisfying(CommandRejected.class, rejected -> assertThat(rejected.reasons())
                .containsExactly("vgpu_params disable_vnc takes [0, 1], not 'yes'",
                        "vgpu_params key 'max_pixels' is not on the allow-list [disable_vnc, enable_debugging, "
                                + "enable_profiling, enable_uvm, frame_rate_limiter]"));
    }

    @Test
    void hostileFieldsNeverBecomeACommand() {
        String valid = new String(EventCodec.toJson(create("c-1", HOST, "0000:3b:00.0", "nvidia-64", UUID_1)), UTF_8);

        for (String hostile : List.of(
                valid.replace("\"nvidia-64\"", "\"../../x\""),
                valid.replace(UUID_1, "a1b2c3d4-0000-4000-8000-00000000/001"),
                valid.replace("0000:3b:00.0", "0000:3b:00.0/../.."),
                valid.replace("\"" + HOST + "\"", "\"../sim-01\""))) {
            assertThatThrownBy(() -> EventCodec.fromJson(EventTypes.CREATE_VGPU, hostile.getBytes(UTF_8)))
                    .isInstanceOf(MalformedRecordException.class);
        }
    }

    private PhysicalGpu p4() {
        return host.gpus().get(0);
    }

    private static CreateVgpu create(String commandId, String hostId, String parent, String typeId, String uuid) {
        return new CreateVgpu(commandId, hostId, NOW, NOW.plusSeconds(60), parent, typeId, uuid,
                Map.of("frame_rate_limiter", "0"));
    }

    /** Every path under the sandbox (the simulated host's parent too), so a write outside the root shows. */
    private List<String> tree() throws IOException {
        try (Stream<Path> paths = Files.walk(sandbox)) {
            return paths.map(path -> sandbox.relativize(path) + (Files.isRegularFile(path) ? ":" + read(path) : ""))
                    .sorted().toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, UTF_8);
        } catch (IOException e) {
            return "?";
        }
    }
}
