package io.vgpufleet.migration.sagas;

import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.health.DrainRequested;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.service.messaging.InboundRecords;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * What will drive the sagas: GPU health verdicts (binding {@code gpuHealth-in-0}), the health-service's
 * drain requests (binding {@code drainRequests-in-0}; each starts the evacuation of a DRAINING or FAILED
 * pGPU) and the agents' replies (binding {@code commandReplies-in-0}; each saga step waits on one). For now
 * all are read, counted and logged; the sagas come with the migration issue.
 */
@Configuration(proxyBeanMethods = false)
class SagaInputBindings {

    private static final Logger log = LoggerFactory.getLogger(SagaInputBindings.class);

    @Bean
    Consumer<Message<byte[]>> gpuHealth(InboundRecords inbound) {
        return message -> {
            GpuHealthChanged change = inbound.read(message, GpuHealthChanged.class);
            log.debug("pGPU {} is {} ({})", change.gpuUuid(), change.current(), change.rule());
        };
    }

    @Bean
    Consumer<Message<byte[]>> drainRequests(InboundRecords inbound) {
        return message -> {
            DrainRequested drain = inbound.read(message, DrainRequested.class);
            log.info("drain {} requested for pGPU {} on {}: {} ({})", drain.drainId(), drain.gpuUuid(),
                    drain.hostId(), drain.health(), drain.rule());
        };
    }

    @Bean
    Consumer<Message<byte[]>> commandReplies(InboundRecords inbound) {
        return message -> {
            CommandReply reply = inbound.read(message, CommandReply.class);
            log.debug("reply to {} from {}", reply.commandId(), reply.hostId());
        };
    }
}
