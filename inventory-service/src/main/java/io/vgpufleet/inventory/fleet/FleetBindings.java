package io.vgpufleet.inventory.fleet;

import io.micrometer.core.instrument.MeterRegistry;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.service.messaging.InboundRecords;
import java.time.Clock;
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
    FleetView fleetView(MeterRegistry meters) {
        FleetView fleet = new FleetView();
        meters.gauge(InventoryMetrics.HOSTS, fleet, FleetView::hostCount);
        meters.gauge(InventoryMetrics.GPUS, fleet, FleetView::gpuCount);
        return fleet;
    }

    @Bean
    Consumer<Message<byte[]>> hostSnapshots(InboundRecords inbound, FleetView fleet, Clock clock) {
        return message -> fleet.apply(inbound.read(message, HostSnapshot.class), clock.instant());
    }
}
