package io.vgpufleet.health.streams;

import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.health.policy.HealthPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code vgpu.health.*}: the policy's thresholds ({@code vgpu.health.policy.*}, defaults from
 * {@link HealthPolicy#defaults()}) and how the stream runs ({@code vgpu.health.streams.*}).
 */
@ConfigurationProperties("vgpu.health")
public class HealthProperties {

    private final Policy policy = new Policy();
    private final Streams streams = new Streams();

    public Policy getPolicy() {
        return policy;
    }

    public Streams getStreams() {
        return streams;
    }

    public static class Policy {
        private static final HealthPolicy DEFAULTS = HealthPolicy.defaults();

        private int retiredPagesThreshold = DEFAULTS.retiredPagesThreshold();
        private long correctedErrorsThreshold = DEFAULTS.correctedErrorsThreshold();
        private Duration correctedErrorsWindow = DEFAULTS.correctedErrorsWindow();
        private Duration hysteresis = DEFAULTS.hysteresis();
        private int flapTransitions = DEFAULTS.flapTransitions();
        private Duration flapWindow = DEFAULTS.flapWindow();
        private Duration flapHold = DEFAULTS.flapHold();
        private boolean eccDisabledDegradesCompute = DEFAULTS.eccDisabledDegradesCompute();
        private Map<Integer, GpuHealth> xidVerdicts = new LinkedHashMap<>(DEFAULTS.xidVerdicts());

        public HealthPolicy toPolicy() {
            return new HealthPolicy(retiredPagesThreshold, correctedErrorsThreshold, correctedErrorsWindow, hysteresis,
                    flapTransitions, flapWindow, flapHold, eccDisabledDegradesCompute, xidVerdicts);
        }

        public int getRetiredPagesThreshold() {
            return retiredPagesThreshold;
        }

        public void setRetiredPagesThreshold(int value) {
            this.retiredPagesThreshold = value;
        }

        public long getCorrectedErrorsThreshold() {
            return correctedErrorsThreshold;
        }

        public void setCorrectedErrorsThreshold(long value) {
            this.correctedErrorsThreshold = value;
        }

        public Duration getCorrectedErrorsWindow() {
            return correctedErrorsWindow;
        }

        public void setCorrectedErrorsWindow(Duration value) {
            this.correctedErrorsWindow = value;
        }

        public Duration getHysteresis() {
            return hysteresis;
        }

        public void setHysteresis(Duration value) {
            this.hysteresis = value;
        }

        public int getFlapTransitions() {
            return flapTransitions;
        }

        public void setFlapTransitions(int value) {
            this.flapTransitions = value;
        }

        public Duration getFlapWindow() {
            return flapWindow;
        }

        public void setFlapWindow(Duration value) {
            this.flapWindow = value;
        }

        public Duration getFlapHold() {
            return flapHold;
        }

        public void setFlapHold(Duration value) {
            this.flapHold = value;
        }

        public boolean isEccDisabledDegradesCompute() {
            return eccDisabledDegradesCompute;
        }

        public void setEccDisabledDegradesCompute(boolean value) {
            this.eccDisabledDegradesCompute = value;
        }

        /** Merged over NVIDIA's defaults: {@code vgpu.health.policy.xid-verdicts.43=DEGRADED} adds one code. */
        public Map<Integer, GpuHealth> getXidVerdicts() {
            return xidVerdicts;
        }

        public void setXidVerdicts(Map<Integer, GpuHealth> value) {
            this.xidVerdicts = value;
        }
    }

    public static class Streams {
        private String applicationId = "health-service-policy";
        private String processingGuarantee = "exactly_once_v2";
        private Duration tickInterval = Duration.ofSeconds(5);
        private String stateDir = System.getProperty("java.io.tmpdir") + "/vgpu-health-streams";
        private Duration commitInterval = Duration.ofMillis(100);
        private Duration pollInterval = Duration.ofMillis(10);
        private String applicationServer = "";

        public String getApplicationId() {
            return applicationId;
        }

        public void setApplicationId(String value) {
            this.applicationId = value;
        }

        public String getProcessingGuarantee() {
            return processingGuarantee;
        }

        public void setProcessingGuarantee(String value) {
            this.processingGuarantee = value;
        }

        public Duration getTickInterval() {
            return tickInterval;
        }

        public void setTickInterval(Duration value) {
            this.tickInterval = value;
        }

        public String getStateDir() {
            return stateDir;
        }

        public void setStateDir(String value) {
            this.stateDir = value;
        }

        /**
         * {@code host:port} where other instances reach this one's REST API; set it on every instance when
         * running more than one, so queries for a pGPU are forwarded to the instance that owns it. Empty: one
         * instance, every query answered locally.
         */
        public String getApplicationServer() {
            return applicationServer;
        }

        public void setApplicationServer(String value) {
            this.applicationServer = value;
        }

        public Duration getCommitInterval() {
            return commitInterval;
        }

        public void setCommitInterval(Duration value) {
            this.commitInterval = value;
        }

        /**
         * Kafka Streams' {@code poll.ms}: how long the stream thread waits for input before it goes on to
         * commit what it processed. Kafka's default, 100 ms, came on top of the commit interval for a verdict
         * on a quiet stream (a cordon is visible to read_committed readers only once committed).
         */
        public Duration getPollInterval() {
            return pollInterval;
        }

        public void setPollInterval(Duration value) {
            this.pollInterval = value;
        }
    }
}
