package io.vgpufleet.lifecycle;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.command.CommandSucceeded;
import io.vgpufleet.contracts.messaging.EventPublisher;
import io.vgpufleet.contracts.messaging.TopicCatalogue;
import io.vgpufleet.service.testing.ServiceChecks;
import io.vgpufleet.testing.KafkaBroker;
import io.vgpufleet.testing.RealKafka;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.core.env.Environment;

@RealKafka
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class LifecycleServiceIT {

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
    void deadLettersABrokenAgentReplyAndReadsTheNextOne(KafkaBroker broker) throws Exception {
        CommandSucceeded reply = new CommandSucceeded("cmd-lifecycle-1", "lifecycle-it-host", "vgpu.agent.create-vgpu.v1",
                Instant.now(), Map.of("vgpuUuid", "6a7c1f3e-5d2b-4c8e-9f10-2b3c4d5e6f70"));
        ServiceChecks.assertDeadLettersBrokenRecordsAndCarriesOn(
                broker.bootstrapServers(), TopicCatalogue.COMMAND_REPLIES, reply, publisher, meters);
    }
}
