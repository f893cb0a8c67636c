package io.vgpufleet.lifecycle.vgpus;

import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.service.messaging.InboundRecords;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Binding {@code commandReplies-in-0}: the node agents' replies to commands, which will drive the vGPU
 * state machine (CREATING to CREATED or FAILED). For now the replies are read, counted and logged; the
 * state machine comes with the lifecycle issue.
 */
@Configuration(proxyBeanMethods = false)
class AgentReplyBindings {

    private static final Logger log = LoggerFactory.getLogger(AgentReplyBindings.class);

    @Bean
    Consumer<Message<byte[]>> commandReplies(InboundRecords inbound) {
        return message -> {
            CommandReply reply = inbound.read(message, CommandReply.class);
            log.debug("reply to {} from {}: {}", reply.commandId(), reply.hostId(), reply.getClass().getSimpleName());
        };
    }
}
