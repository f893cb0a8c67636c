package io.vgpufleet.agent.hypervisor;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link VirshHypervisor} against a stand-in {@code virsh}: a shell script that writes each argument it
 * was given on a line of its own, so the test sees the exact argument list the agent passes.
 */
class VirshHypervisorTest {

    @TempDir
    Path dir;

    @Test
    void suspendAndResumePassTheDomainAsOneArgumentAfterTheConnection() throws Exception {
        Path log = dir.resolve("args.log");
        VirshHypervisor virsh = new VirshHypervisor(fakeVirsh(log, 0).toString(), "qemu:///system");

        virsh.suspend("vm-7");
        assertThat(Files.readAllLines(log, UTF_8)).containsExactly("-c", "qemu:///system", "suspend", "vm-7");
        Files.delete(log);
        virsh.resume("vm-7");
        assertThat(Files.readAllLines(log, UTF_8)).containsExactly("-c", "qemu:///system", "resume", "vm-7");
    }

    @Test
    void aDomainNameThatCouldBeAnOptionOrHoldsASeparatorNeverReachesVirsh() throws Exception {
        Path log = dir.resolve("args.log");
        VirshHypervisor virsh = new VirshHypervisor(fakeVirsh(log, 0).toString(), "qemu:///system");

        for (String hostile : List.of("--all", "vm 7", "vm;reboot", "../vm", "vm\n7", "")) {
            assertThatThrownBy(() -> virsh.suspend(hostile)).isInstanceOf(HypervisorPort.HypervisorException.class);
            assertThatThrownBy(() -> virsh.resume(hostile)).isInstanceOf(HypervisorPort.HypervisorException.class);
        }
        assertThat(log).doesNotExist();
    }

    @Test
    void virshRefusingIsAHypervisorExceptionWithItsWords() throws Exception {
        VirshHypervisor virsh = new VirshHypervisor(fakeVirsh(dir.resolve("args.log"), 1).toString(), "qemu:///system");

        assertThatThrownBy(() -> virsh.suspend("vm-7")).isInstanceOf(HypervisorPort.HypervisorException.class)
                .hasMessageContaining("virsh suspend failed (1)").hasMessageContaining("error: refused");
    }

    private Path fakeVirsh(Path log, int exitCode) throws Exception {
        Path script = dir.resolve("virsh");
        Files.writeString(script, "#!/bin/sh\nfor arg in \"$@\"; do printf '%s\\n' \"$arg\" >> '" + log + "'; done\n"
                + (exitCode == 0 ? "" : "echo 'error: refused'\n") + "exit " + exitCode + "\n", UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
        return script;
    }
}
