package io.vgpufleet.migration;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.GpuHealth;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.service.testing.ServiceChecks;
import io.vgpufleet.testing.KafkaBroker;
import io.vgpufleet.testing.RealKafka;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class MigrationServiceIT {

    @Autowired
    EventPublisher publisher;

    @Autowired
    MeterRegistry meters;

    @Autowired
    Environment environment;

    @Test
    void reportsHealthyOnceBoundToItsTopics() throws Exception {
        ServiceChecks.assertHealthy(environment.getRequiredProperty("local.server.port", Integer.class));
    }

    @Test
    void deadLettersABrokenHealthVerdictAndReadsTheNextOne(KafkaBroker broker) throws Exception {
        GpuHealthChanged failed = new GpuHealthChanged("GPU-9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", "migration-it-host",
                GpuHealth.HEALTHY, GpuHealth.FAILED, "double-bit-ecc", Map.of("uncorrectedVolatile", "1"), Instant.now());
        ServiceChecks.assertDeadLettersBrokenRecordsAndCarriesOn(
                broker.bootstrapServers(), TopicCatalogue.GPU_HEALTH, failed, publisher, meters);
    }

    @Test
    void deadLettersABrokenDrainRequestAndReadsTheNextOne(KafkaBroker broker) throws Exception {
        Instant now = Instant.now();
        String gpu = "GPU-9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6e";
        DrainRequested drain = new DrainRequested("drain-" + gpu + "-" + now.toEpochMilli(), gpu,
                "migration-it-host", GpuHealth.FAILED, "double-bit-ecc", "verdict FAILED by rule double-bit-ecc", now);
        ServiceChecks.assertDeadLettersBrokenRecordsAndCarriesOn(
                broker.bootstrapServers(), TopicCatalogue.DRAIN_REQUESTS, drain, publisher, meters);
    }

    @Test
    void deadLettersABrokenAgentReplyAndReadsTheNextOne(KafkaBroker broker) throws Exception {
        CommandRejected rejected = new CommandRejected("cmd-migration-1", "migration-it-host",
                "vgpu.agent.migrate-vm.v1", Instant.now(), List.of("vmId must be present"));
        ServiceChecks.assertDeadLettersBrokenRecordsAndCarriesOn(
                broker.bootstrapServers(), TopicCatalogue.COMMAND_REPLIES, rejected, publisher, meters);
    }
}
