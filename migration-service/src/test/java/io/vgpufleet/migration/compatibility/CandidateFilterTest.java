package io.vgpufleet.migration.compatibility;

import static io.vgpufleet.migration.FleetFixtures.gpuOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.migration.CandidateRejection;
import io.vgpufleet.contracts.migration.TargetCandidate;
import io.vgpufleet.migration.FleetFixtures;
import io.vgpufleet.migration.FleetFixtures.TestFleet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CandidateFilterTest {

    private static final java.time.Duration STALE = MigrationPolicy.DEFAULT_HOST_STALE_AFTER;

    private final TestFleet fleet = new TestFleet().with(FleetFixtures.source("src"));

    @Test
    void everyPolicyRuleRejectsWithItsReasonAndTheRestPass() {
        fleet.with(FleetFixtures.target("ok"),
                FleetFixtures.host("full", 0, "550.90.05", EccMode.OFF, "Tesla P4", HostKind.MDEV, List.of()),
                FleetFixtures.host("ecc", 1, "550.90.05", EccMode.ON, "Tesla P4", HostKind.MDEV, List.of()),
                FleetFixtures.host("board", 1, "550.90.05", EccMode.OFF, "Tesla P40", HostKind.MDEV, List.of()),
                FleetFixtures.host("vfio", 1, "550.90.05", EccMode.OFF, "Tesla P4", HostKind.VENDOR_VFIO, List.of()),
                FleetFixtures.host("old", 1, "535.54.03", EccMode.OFF, "Tesla P4", HostKind.MDEV, List.of()),
                FleetFixtures.target("sick"));
        fleet.unhealthy.add(gpuOf("sick"));
        CandidateFilter filter = new CandidateFilter(new MigrationPolicy("550.0", null, false, false, 3, STALE));

        CandidateFilter.Selection selection = filter.select("src", gpuOf("src"), FleetFixtures.TYPE, null, fleet, FleetFixtures.T0);

        assertThat(selection.candidates()).extracting(TargetCandidate::hostId).containsExactly("ok");
        assertThat(selection.rejections()).extracting(CandidateRejection::hostId, CandidateRejection::reason)
                .containsExactlyInAnyOrder(tuple("full", "NO_CAPACITY"), tuple("ecc", "ECC_MODE"), tuple("board", "BOARD"),
                        tuple("vfio", "HOST_KIND"), tuple("old", "DRIVER_VERSION"), tuple("sick", "UNHEALTHY"));
    }

    @Test
    void allowancesLetOtherBoardsAndHostKindsThroughAndARequestedHostIsTheOnlyOneConsidered() {
        fleet.with(FleetFixtures.target("ok"),
                FleetFixtures.host("board", 1, "550.90.05", EccMode.OFF, "Tesla P40", HostKind.MDEV, List.of()),
                FleetFixtures.host("vfio", 1, "550.90.05", EccMode.OFF, "Tesla P4", HostKind.VENDOR_VFIO, List.of()));
        CandidateFilter lenient = new CandidateFilter(new MigrationPolicy(null, "560", true, true, 10, STALE));

        assertThat(lenient.select("src", gpuOf("src"), FleetFixtures.TYPE, null, fleet, FleetFixtures.T0).candidates())
                .extracting(TargetCandidate::hostId).containsExactlyInAnyOrder("ok", "board", "vfio");
        assertThat(lenient.select("src", gpuOf("src"), FleetFixtures.TYPE, "vfio", fleet, FleetFixtures.T0).candidates())
                .extracting(TargetCandidate::hostId).containsExactly("vfio");
    }

    @Test
    void candidatesAreRankedByMigrationsAlreadyHeadingThereAndCappedAtTheCheckLimit() {
        fleet.with(FleetFixtures.target("a"), FleetFixtures.target("b"), FleetFixtures.target("c"));
        fleet.inbound.put("a", 2);
        fleet.inbound.put("b", 1);

        CandidateFilter.Selection selection = new CandidateFilter(new MigrationPolicy(null, null, false, false, 2, STALE))
                .select("src", gpuOf("src"), FleetFixtures.TYPE, null, fleet, FleetFixtures.T0);

        assertThat(selection.candidates()).extracting(TargetCandidate::hostId).containsExactly("c", "b");
        assertThat(selection.passed()).isEqualTo(3);
    }

    @Test
    void migrationsFromDifferentSourcesRankEquallyGoodHostsInDifferentOrders() {
        for (int n = 1; n <= 20; n++) {
            fleet.with(FleetFixtures.target(String.format("t%02d", n)));
        }
        CandidateFilter filter = new CandidateFilter(new MigrationPolicy(null, null, false, false, 3, STALE));
        Set<String> firstChoices = new HashSet<>();
        for (int n = 1; n <= 10; n++) {
            String source = String.format("src%02d", n);
            fleet.with(FleetFixtures.source(source));
            firstChoices.add(filter.select(source, gpuOf(source), FleetFixtures.TYPE, null, fleet, FleetFixtures.T0)
                    .candidates().get(0).hostId());
        }

        // by name, all ten would start at t01 and wait there for its inbound limit
        assertThat(firstChoices).hasSizeGreaterThanOrEqualTo(5);
        assertThat(filter.select("src01", gpuOf("src01"), FleetFixtures.TYPE, null, fleet, FleetFixtures.T0).candidates())
                .isEqualTo(filter.select("src01", gpuOf("src01"), FleetFixtures.TYPE, null, fleet, FleetFixtures.T0)
                        .candidates());
    }

    @Test
    void theCandidatesCheckedAreOnDistinctHostsWhileThereAreEnoughAndOnAnyPgpuWhenNot() {
        fleet.with(withPgpus(FleetFixtures.target("big"), 4), FleetFixtures.target("small"));
        CandidateFilter filter = new CandidateFilter(new MigrationPolicy(null, null, false, false, 3, STALE));

        CandidateFilter.Selection selection = filter.select("src", gpuOf("src"), FleetFixtures.TYPE, null, fleet, FleetFixtures.T0);

        assertThat(selection.passed()).isEqualTo(5);
        assertThat(selection.candidates()).hasSize(3);
        assertThat(selection.candidates().subList(0, 2)).extracting(TargetCandidate::hostId)
                .containsExactlyInAnyOrder("big", "small");
        assertThat(selection.candidates().get(2).hostId()).isEqualTo("big");
        assertThat(selection.candidates()).extracting(TargetCandidate::gpuUuid).doesNotHaveDuplicates();
    }

    /** The host with {@code count} copies of its one pGPU, each at its own UUID and bus address. */
    private static HostSnapshot withPgpus(HostSnapshot host, int count) {
        PhysicalGpu gpu = host.gpus().get(0);
        List<PhysicalGpu> gpus = new ArrayList<>();
        for (int n = 0; n < count; n++) {
            gpus.add(new PhysicalGpu(gpu.uuid().substring(0, gpu.uuid().length() - 1) + n,
                    String.format("0000:%02x:00.0", 0x3b + n), gpu.model(), gpu.memoryMib(), gpu.numaNode(),
                    gpu.cpuAffinity(), gpu.eccMode(), gpu.hostKind(), gpu.heterogeneousMode(), gpu.nvml(), gpu.types(),
                    gpu.virtualFunctions()));
        }
        return new HostSnapshot(host.hostId(), host.sequence(), host.observedAt(), host.agentVersion(), host.hostKind(),
                host.vgpuManager(), gpus, host.vgpus());
    }

    @Test
    void aHostWhoseAgentStoppedReportingIsNotATargetThoughItsLastSnapshotShowsRoom() {
        Instant now = FleetFixtures.T0.plusSeconds(600);
        fleet.with(FleetFixtures.observedAt(FleetFixtures.target("ok"), now.minusSeconds(2)),
                FleetFixtures.observedAt(FleetFixtures.target("edge"), now.minusSeconds(30)),
                FleetFixtures.observedAt(FleetFixtures.target("dead"), now.minusSeconds(31)));

        CandidateFilter.Selection selection = new CandidateFilter(new MigrationPolicy(null, null, false, false, 10, STALE))
                .select("src", gpuOf("src"), FleetFixtures.TYPE, null, fleet, now);

        assertThat(selection.candidates()).extracting(TargetCandidate::hostId).containsExactlyInAnyOrder("ok", "edge");
        assertThat(selection.rejections()).singleElement().satisfies(rejection -> {
            assertThat(rejection.hostId()).isEqualTo("dead");
            assertThat(rejection.reason()).isEqualTo("HOST_STALE");
            assertThat(rejection.detail()).contains("31 s ago", "stopped reporting");
        });
    }

    @Test
    void theStaleLimitMustBePositive() {
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new MigrationPolicy(null, null, false, false, 3, java.time.Duration.ZERO))
                .withMessageContaining("hostStaleAfter");
    }

    @Test
    void aHostWithoutTheTypeOrWithItsVgpuManagerDownIsRejectedOnce() {
        fleet.with(new io.vgpufleet.contracts.host.HostSnapshot("down", 1, FleetFixtures.T0, "0.1.0", HostKind.MDEV,
                new io.vgpufleet.contracts.host.VgpuManagerStatus(false, null, List.of()), List.of(), List.of()));

        CandidateFilter.Selection selection = new CandidateFilter(MigrationPolicy.DEFAULT)
                .select("src", gpuOf("src"), "nvidia-63", null, fleet, FleetFixtures.T0);

        assertThat(selection.rejections()).extracting(CandidateRejection::hostId, CandidateRejection::reason)
                .containsExactly(tuple("down", "VGPU_MANAGER_DOWN"));
    }

    @Test
    void theAgentsVerdictNamesMigrationVersionNvmlAndCheckFailures() {
        Instant now = FleetFixtures.T0;
        String type = "vgpu.agent.check-migration-compatibility.v1";
        assertThat(CompatibilityVerdict.of(new CommandSucceeded("c", "h", type, now, Map.of("compatible", "true",
                "migrationKinds", "COLD,LIVE"))).compatible()).isTrue();
        assertThat(CompatibilityVerdict.of(new CommandSucceeded("c", "h", type, now, Map.of("compatible", "false",
                "limit", "NOT_MIGRATABLE"))).reason()).isEqualTo("NOT_MIGRATABLE");
        assertThat(CompatibilityVerdict.of(new CommandSucceeded("c", "h", type, now, Map.of("compatible", "false",
                "limit", "EINVAL"))).reason()).isEqualTo("MIGRATION_VERSION");
        assertThat(CompatibilityVerdict.of(new CommandSucceeded("c", "h", type, now, Map.of("compatible", "false",
                "limit", "GUEST_DRIVER,GPU"))).reason()).isEqualTo("NVML_LIMIT");
        assertThat(CompatibilityVerdict.of(new CommandFailed("c", "h", type, now, "NVML_ERROR_NOT_SUPPORTED", "no"))
                .reason()).isEqualTo("CHECK_FAILED");
        assertThat(CompatibilityVerdict.of(new CommandRejected("c", "h", type, now, List.of("expired")))
                .reason()).isEqualTo("CHECK_REJECTED");
    }

    @Test
    void driverVersionsCompareNumberByNumberAndRefuseAnythingElse() {
        assertThat(DriverVersions.compare("550.90.05", "550.127.06")).isNegative();
        assertThat(DriverVersions.compare("550.90", "550.90.0")).isNegative();
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> new MigrationPolicy("550;rm -rf", null, false, false, 1, STALE));
    }
}
