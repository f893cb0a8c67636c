package io.vgpufleet.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxOptionsTest {

    @Test
    void noArgumentsMeanFourHostsTheServicesAndTheDefaultPortsAndDirectories() {
        SandboxOptions options = SandboxOptions.parse(List.of());

        assertThat(options).isEqualTo(SandboxOptions.defaults());
        assertThat(options.hosts()).isEqualTo(4);
        assertThat(options.dataDir()).isEqualTo(Path.of(".sandbox"));
        assertThat(options.kafkaPort()).isEqualTo(9092);
        assertThat(options.repo()).isEqualTo(Path.of(""));
        assertThat(options.services()).isTrue();
        assertThat(options.fresh()).isFalse();
        assertThat(options.help()).isFalse();
    }

    @Test
    void everyOptionIsReadFromItsNameEqualsValueForm() {
        SandboxOptions options = SandboxOptions.parse(List.of(
                "--hosts=7", "--data-dir=/tmp/sb", "--kafka-port=19092", "--repo=../main", "--no-services", "--fresh"));

        assertThat(options).isEqualTo(
                new SandboxOptions(7, Path.of("/tmp/sb"), 19092, Path.of("../main"), false, true, false));
    }

    @Test
    void helpIsAFlag() {
        assertThat(SandboxOptions.parse(List.of("--help")).help()).isTrue();
        assertThat(SandboxOptions.parse(List.of("-h")).help()).isTrue();
        assertThat(SandboxOptions.USAGE).contains("--hosts=N", "--data-dir=DIR", "--kafka-port=PORT", "--repo=DIR",
                "--no-services", "--fresh", "--skip-build");
    }

    @Test
    void zeroHostsRunsTheServicesWithoutSimulatedHosts() {
        assertThat(SandboxOptions.parse(List.of("--hosts=0")).hosts()).isZero();
    }

    @Test
    void unknownOptionsAndBadValuesAreRejectedWithTheReason() {
        assertThatThrownBy(() -> SandboxOptions.parse(List.of("--host=3")))
                .isInstanceOf(SandboxOptions.UsageException.class).hasMessage("unknown option --host=3");
        assertThatThrownBy(() -> SandboxOptions.parse(List.of("--hosts=three")))
                .hasMessage("--hosts needs a whole number, not three");
        assertThatThrownBy(() -> SandboxOptions.parse(List.of("--hosts")))
                .hasMessage("--hosts needs a value: --hosts=...");
        assertThatThrownBy(() -> SandboxOptions.parse(List.of("--hosts=100")))
                .hasMessage("--hosts must be 0..99, not 100");
        assertThatThrownBy(() -> SandboxOptions.parse(List.of("--hosts=-1")))
                .hasMessage("--hosts must be 0..99, not -1");
        assertThatThrownBy(() -> SandboxOptions.parse(List.of("--kafka-port=65535")))
                .hasMessageContaining("--kafka-port must be 1..65534");
        assertThatThrownBy(() -> SandboxOptions.parse(List.of("--fresh=yes")))
                .hasMessage("--fresh takes no value");
        assertThatThrownBy(() -> SandboxOptions.parse(List.of("--data-dir=")))
                .hasMessage("--data-dir needs a value: --data-dir=...");
    }
}
