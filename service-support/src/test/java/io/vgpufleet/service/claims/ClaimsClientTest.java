package io.vgpufleet.service.claims;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How the inventory's answers are read: a grant only from a readable, valid body (the HTTP exchange runs in the ITs). */
class ClaimsClientTest {

    private static final String GPU = "GPU-00000001-0000-4000-8000-000000000000";
    private static final String ITEM = "{\"gpuUuid\":\"" + GPU + "\",\"pciBdf\":\"0000:3b:00.0\",\"typeId\":\"nvidia-289\","
            + "\"vgpuUuid\":\"a1b2c3d4-0000-4000-8000-000000000002\",\"numaNode\":1}";

    private static ClaimsClient.Answer answer(int status, String body) {
        return ClaimsClient.answer(status, body.getBytes(UTF_8));
    }

    @Test
    void aGrantedOrConfirmedClaimWithValidItemsIsAGrant() {
        assertThat(answer(201, "{\"claimId\":\"c-1\",\"state\":\"GRANTED\",\"hostId\":\"tgt-a\",\"items\":[" + ITEM + "]}"))
                .isEqualTo(new ClaimsClient.Granted("tgt-a", List.of(new ClaimsClient.Item(GPU, "0000:3b:00.0",
                        "nvidia-289", "a1b2c3d4-0000-4000-8000-000000000002", 1))));
        assertThat(answer(200, "{\"state\":\"CONFIRMED\",\"hostId\":\"tgt-a\",\"items\":[" + ITEM.replace("1}", "\"x\"}")
                + "]}")).isInstanceOfSatisfying(ClaimsClient.Granted.class,
                        granted -> assertThat(granted.items().get(0).numaNode()).isEqualTo(-1));
    }

    @Test
    void aClaimInAnotherStateIsRefusedWithItsState() {
        assertThat(answer(200, "{\"state\":\"EXPIRED\",\"hostId\":\"tgt-a\",\"items\":[" + ITEM + "]}"))
                .isEqualTo(new ClaimsClient.Refused(200, "the claim is EXPIRED", List.of()));
    }

    @Test
    void aHostileOrInconsistentGrantIsNeverAGrant() {
        for (String body : List.of("not json", "[]", "null", "{\"state\":\"GRANTED\",\"hostId\":\"../x\",\"items\":[" + ITEM + "]}",
                "{\"state\":\"GRANTED\",\"hostId\":\"tgt-a\",\"items\":[]}",
                "{\"state\":\"GRANTED\",\"hostId\":\"tgt-a\"}",
                "{\"state\":\"GRANTED\",\"hostId\":\"tgt-a\",\"items\":[" + ITEM.replace("0000:3b:00.0", "../../../0") + "]}",
                "{\"state\":\"GRANTED\",\"hostId\":\"tgt-a\",\"items\":[" + ITEM.replace("nvidia-289", "nvidia-2/9") + "]}",
                "{\"state\":\"GRANTED\",\"hostId\":\"tgt-a\",\"items\":[" + ITEM.replace(GPU, "GPU-1") + "]}",
                "{\"state\":\"GRANTED\",\"hostId\":\"tgt-a\",\"items\":[{\"gpuUuid\":\"" + GPU + "\"}]}")) {
            assertThat(answer(201, body)).as(body).isInstanceOf(ClaimsClient.Unavailable.class);
        }
        assertThat(answer(201, "{\"state\":\"GRANTED\"," + " ".repeat(ClaimsClient.MAX_BODY) + "}"))
                .isInstanceOfSatisfying(ClaimsClient.Unavailable.class,
                        unavailable -> assertThat(unavailable.reason()).contains("too large"));
    }

    @Test
    void aProblemGivesItsStatusDetailAndReasonCodes() {
        ClaimsClient.Answer conflict = answer(409, "{\"detail\":\"no room\",\"reasons\":[{\"hostId\":\"tgt-a\","
                + "\"reason\":\"NO_CAPACITY\"},{\"reason\":\"CORDONED\"},{\"reason\":7}]}");
        assertThat(conflict).isEqualTo(new ClaimsClient.Refused(409, "no room", List.of("NO_CAPACITY", "CORDONED", "?")));
        assertThat(((ClaimsClient.Refused) conflict).summary()).isEqualTo("NO_CAPACITY; CORDONED; ?");
        assertThat(answer(400, "{\"detail\":\"bad\\u0007 type\"}")).isEqualTo(new ClaimsClient.Refused(400,
                "bad? type", List.of()));
        assertThat(answer(422, "plain text")).isEqualTo(new ClaimsClient.Refused(422, "plain text", List.of()));
    }

    @Test
    void anyOtherStatusOrNoAnswerIsUnavailable() {
        assertThat(answer(503, "{\"detail\":\"try later\"}")).isEqualTo(new ClaimsClient.Unavailable(
                "inventory answered 503: try later"));
        ClaimsClient nobody = new ClaimsClient(HttpClient.newHttpClient(), URI.create("http://127.0.0.1:1"),
                Duration.ofSeconds(1), Optional::empty);
        assertThat(nobody.claim(Map.of("claimId", "c-1"))).isInstanceOf(ClaimsClient.Unavailable.class);
        assertThat(nobody.release("c-1")).isInstanceOf(ClaimsClient.ReleaseFailed.class);
    }
}
