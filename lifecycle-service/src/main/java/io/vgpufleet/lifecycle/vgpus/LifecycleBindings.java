package io.vgpufleet.lifecycle.vgpus;

import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.health.GpuHealthChanged;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.service.messaging.InboundRecords;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * The topics that drive the state machine: {@code commandReplies-in-0} (the agents' replies),
 * {@code hostSnapshots-in-0} (the compacted host snapshots, read whole at every start: what each host
 * holds and runs), {@code gpuHealth-in-0} (health verdicts, from the group's committed offset, so an old
 * double-bit verdict does not mark a VM that rebooted since). Unreadable records are dead-lettered.
 */
@Configuration(proxyBeanMethods = false)
class LifecycleBindings {

    @Bean
    Consumer<Message<byte[]>> commandReplies(InboundRecords inbound, LifecycleEngine engine) {
        return message -> engine.onReply(inbound.read(message, CommandReply.class));
    }

    @Bean
    Consumer<Message<byte[]>> hostSnapshots(InboundRecords inbound, LifecycleEngine engine) {
        return message -> engine.onSnapshot(inbound.read(message, HostSnapshot.class));
    }

    @Bean
    Consumer<Message<byte[]>> gpuHealth(InboundRecords inbound, LifecycleEngine engine) {
        return message -> engine.onGpuHealth(inbound.read(message, GpuHealthChanged.class));
    }
}
