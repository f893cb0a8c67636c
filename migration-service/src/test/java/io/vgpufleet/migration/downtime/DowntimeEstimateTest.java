package io.vgpufleet.migration.downtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DowntimeEstimateTest {

    @Test
    void sevenAndAHalfSecondsPerGibOn10GbeScaledByTheLink() {
        assertThat(DowntimeEstimate.VSPHERE_10GBE.millisFor(0)).isEqualTo(500);
        assertThat(DowntimeEstimate.VSPHERE_10GBE.millisFor(8192)).isEqualTo(500 + 60_000);
        DowntimeEstimate fast = new DowntimeEstimate(25, Duration.ofMillis(7500), Duration.ZERO);
        assertThat(fast.millisFor(1024)).isEqualTo(3000);
    }

    @Test
    void refusesNonsense() {
        assertThatIllegalArgumentException().isThrownBy(() -> new DowntimeEstimate(0, Duration.ZERO, Duration.ZERO));
        assertThatIllegalArgumentException().isThrownBy(() -> new DowntimeEstimate(Double.NaN, Duration.ZERO, Duration.ZERO));
        assertThatIllegalArgumentException().isThrownBy(() -> DowntimeEstimate.VSPHERE_10GBE.millisFor(-1));
    }
}
