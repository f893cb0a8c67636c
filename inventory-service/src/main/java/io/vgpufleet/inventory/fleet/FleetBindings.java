package io.vgpufleet.inventory.fleet;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.service.messaging.InboundRecords;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Consumer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.messaging.Message;

/**
 * Wires the fleet view to Kafka: binding {@code hostSnapshots-in-0} reads
 * {@code vgpu.agent.host-snapshots.v1} from its beginning at every start (see application.yml).
 */
@Configuration(proxyBeanMethods = false)
class FleetBindings {

    @Bean
    FleetView fleetView() {
        return new FleetView();
    }

    /** The fleet's gauges, their per-pGPU and per-vGPU rows refreshed every 5 s when the view changed. */
    @Bean(destroyMethod = "close")
    FleetMeters fleetMeters(FleetView fleet, MeterRegistry meters, Clock clock) {
        FleetMeters fleetMeters = new FleetMeters(fleet, meters, clock);
        fleetMeters.refreshEvery(Duration.ofSeconds(5));
        return fleetMeters;
    }

    @Bean
    Consumer<Message<byte[]>> hostSnapshots(InboundRecords inbound, FleetView fleet, Clock clock) {
        return message -> fleet.apply(inbound.read(message, HostSnapshot.class), clock.instant());
    }
}
