package io.vgpufleet.service.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.kafka.support.KafkaHeaders;
import org.springframework.messaging.Message;
import org.springframework.messaging.MessageHandlingException;
import org.springframework.messaging.support.ErrorMessage;
import org.springframework.messaging.support.MessageBuilder;

@ExtendWith(OutputCaptureExtension.class)
class ConsumerErrorLogTest {

    private final Message<byte[]> record = MessageBuilder.withPayload(new byte[] {1})
            .copyHeaders(Map.of(KafkaHeaders.RECEIVED_TOPIC, "vgpu.agent.health-signals.v1",
                    KafkaHeaders.RECEIVED_PARTITION, 7, KafkaHeaders.OFFSET, 42L))
            .build();

    @Test
    void anUnreadableRecordIsOneLineWithWhereAndWhyAndNoStackTrace(CapturedOutput output) {
        var failure = new MessageHandlingException(record, "error occurred in message handler",
                new UnreadableRecordException("ce_type 'x\nforged' is not registered"));

        new ConsumerErrorLog().handleMessage(new ErrorMessage(failure));

        assertThat(output.getOut()).contains("WARN")
                .contains("dead-lettered unreadable record vgpu.agent.health-signals.v1-7@42")
                .contains("is not registered")
                .doesNotContain("\tat ")
                // a forged line break in the reason cannot start a log line of its own
                .doesNotContain("x\nforged");
    }

    @Test
    void anyOtherFailureKeepsItsStackTraceAtError(CapturedOutput output) {
        var failure = new MessageHandlingException(record, "boom", new IllegalStateException("store closed"));

        new ConsumerErrorLog().handleMessage(new ErrorMessage(failure));

        assertThat(output.getOut()).contains("ERROR").contains("consumer failed on record vgpu.agent.health-signals.v1-7@42")
                .contains("store closed").contains("\tat ");
    }

    @Test
    void aFailureWithoutTheRecordSaysSo() {
        assertThat(ConsumerErrorLog.where(new ErrorMessage(new IllegalStateException("x")),
                new IllegalStateException("x"))).isEqualTo("(unknown)");
        assertThat(ConsumerErrorLog.where(new ErrorMessage(new IllegalStateException("x"), record),
                new IllegalStateException("x"))).isEqualTo("vgpu.agent.health-signals.v1-7@42");
    }
}
