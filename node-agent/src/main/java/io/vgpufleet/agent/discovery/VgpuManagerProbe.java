package io.vgpufleet.agent.discovery;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.vgpufleet.contracts.host.EccMode;
import io.vgpufleet.contracts.host.VgpuManagerStatus;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The state of NVIDIA's vGPU manager: whether {@code nvidia-vgpu-mgr} runs, the driver version, and the
 * known failure modes.
 *
 * <ul>
 *   <li>{@link #processRunning(Path)} scans {@code <proc root>/<pid>/comm} (numeric directories only)
 *       for a line equal to {@code nvidia-vgpu-mgr}; any I/O error means "not running", never an
 *       exception.
 *   <li>{@link #status} is pure: vGPU with ECC on came with vGPU 9.0 (driver branch R430), so ECC on on
 *       any pGPU with a driver major version below 430 is the driver's "vGPU not supported with ECC
 *       Enabled".
 * </ul>
 */
public final class VgpuManagerProbe {

    public static final String PROCESS_NAME = "nvidia-vgpu-mgr";
    public static final String NOT_RUNNING = PROCESS_NAME + " is not running";
    public static final String ECC_NOT_SUPPORTED = "vGPU not supported with ECC Enabled";
    /** The first driver branch (vGPU 9.0) whose vGPU manager runs with ECC enabled. */
    public static final int FIRST_ECC_CAPABLE_BRANCH = 430;

    private static final Pattern MAJOR = Pattern.compile("^\\s*([0-9]{1,6})(?:\\.|\\s|$)");
    private static final Pattern PID = Pattern.compile("[0-9]{1,10}");

    private VgpuManagerProbe() {}

    /** The manager's status from what was found; {@code problems} holds the known failure modes only. */
    public static VgpuManagerStatus status(boolean processRunning, Optional<String> driverVersion, EccMode anyGpuEcc) {
        List<String> problems = new ArrayList<>();
        if (!processRunning) {
            problems.add(NOT_RUNNING);
        }
        if (anyGpuEcc == EccMode.ON) {
            Optional<Integer> major = driverVersion.flatMap(VgpuManagerProbe::majorVersion);
            if (major.isPresent() && major.get() < FIRST_ECC_CAPABLE_BRANCH) {
                problems.add(ECC_NOT_SUPPORTED);
            }
        }
        return new VgpuManagerStatus(processRunning, driverVersion.map(String::strip).filter(v -> !v.isEmpty()).orElse(null),
                problems);
    }

    /** {@code 550} of {@code 550.90.05}; empty for a version that does not start with a number. */
    static Optional<Integer> majorVersion(String version) {
        Matcher matcher = MAJOR.matcher(version);
        return matcher.find() ? Optional.of(Integer.parseInt(matcher.group(1))) : Optional.empty();
    }

    /** {@link EccMode#ON} where any pGPU has ECC on, else {@code OFF} where any has it off, else {@code UNKNOWN}. */
    public static EccMode anyGpuEcc(List<EccMode> modes) {
        if (modes.contains(EccMode.ON)) {
            return EccMode.ON;
        }
        return modes.contains(EccMode.OFF) ? EccMode.OFF : EccMode.UNKNOWN;
    }

    /** Whether some process under {@code procRoot} has the {@code comm} {@code nvidia-vgpu-mgr}; never throws. */
    public static boolean processRunning(Path procRoot) {
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(procRoot)) {
            for (Path entry : entries) {
                if (PID.matcher(entry.getFileName().toString()).matches() && isManager(entry.resolve("comm"))) {
                    return true;
                }
            }
            return false;
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return false;
        }
    }

    private static boolean isManager(Path comm) {
        try {
            // comm is at most 16 bytes; a process may exit between the listing and the read.
            return Files.readAllLines(comm, UTF_8).stream().anyMatch(PROCESS_NAME::equals);
        } catch (IOException | UncheckedIOException | SecurityException e) {
            return false;
        }
    }
}
