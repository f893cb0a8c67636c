package io.vgpufleet.system.fuzz;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.contracts.messaging.EventCodec;
import io.vgpufleet.contracts.messaging.MalformedRecordException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

class HostileRecordsTest {

    private final EventCodec codec = new EventCodec(Clock.systemUTC(), UUID::randomUUID, "urn:vgpu:test");

    @Test
    void everyRecordMadeForEveryTopicIsOneTheCodecRefusesAndCarriesAUniqueFuzzId() {
        HostileRecords hostile = new HostileRecords(42, "t1");
        Set<String> ids = new HashSet<>();
        int made = 0;
        for (FuzzTarget target : FuzzTarget.all("sys-001")) {
            List<ProducerRecord<byte[], byte[]>> records = hostile.make(target, 120, i -> "key-" + i);
            assertThat(records).hasSize(120);
            for (ProducerRecord<byte[], byte[]> record : records) {
                assertThat(record.topic()).isEqualTo(target.topic().name());
                assertThatThrownBy(() -> codec.decode(record.topic(), record.headers(), record.value()))
                        .isInstanceOf(MalformedRecordException.class);
                ids.add(new String(record.headers().lastHeader(HostileRecords.FUZZ_ID).value(), UTF_8));
            }
            assertThat(records.stream().map(ProducerRecord::partition).distinct())
                    .as("spread over every partition").hasSize(target.topic().partitions());
            made += records.size();
        }
        assertThat(ids).hasSize(made);
        assertThat(hostile.made().keySet()).containsExactlyInAnyOrder(HostileRecords.Kind.values());
        assertThat(hostile.made().get(HostileRecords.Kind.NEAR_SIZE_LIMIT)).isEqualTo(FuzzTarget.all("x").size());
    }

    @Test
    void theSameSeedMakesTheSameRecords() {
        FuzzTarget snapshots = FuzzTarget.all("sys-001").get(0);
        List<ProducerRecord<byte[], byte[]>> first = new HostileRecords(7, "r").make(snapshots, 50, i -> "k" + i);
        List<ProducerRecord<byte[], byte[]>> second = new HostileRecords(7, "r").make(snapshots, 50, i -> "k" + i);
        for (int i = 0; i < first.size(); i++) {
            assertThat(Arrays.equals(first.get(i).value(), second.get(i).value())).as("record " + i).isTrue();
        }
    }
}
