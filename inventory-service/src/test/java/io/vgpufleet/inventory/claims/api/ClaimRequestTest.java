package io.vgpufleet.inventory.claims.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.service.web.InvalidRequestException;
import io.vgpufleet.testing.HostileStrings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClaimRequestTest {

    private static Map<String, Object> body() {
        Map<String, Object> body = new HashMap<>();
        body.put("vmId", "vm-17");
        body.put("requester", "lifecycle-service");
        body.put("placement", new HashMap<>(Map.of("typeId", "nvidia-232", "count", 2)));
        return body;
    }

    private static String fieldOf(Map<String, Object> body) {
        try {
            ClaimRequest.of(body);
            return null;
        } catch (InvalidRequestException refused) {
            return String.valueOf(refused.getBody().getProperties().get("field"));
        }
    }

    @Test
    void readsAFullBodyAndFillsTheDefaults() {
        ClaimRequest request = ClaimRequest.of(body());
        assertThat(request.ttlSeconds()).isEqualTo(ClaimRequest.DEFAULT_TTL_SECONDS);
        assertThat(request.claimId()).matches("[0-9a-f-]{36}");
        assertThat(request.vgpuUuids()).isNull();
        assertThat(request.placement().request().count()).isEqualTo(2);

        Map<String, Object> full = body();
        full.put("claimId", "5f0c2a8e-0d7b-4c1e-9a57-3e2f1b0c4d6a");
        full.put("ttlSeconds", 3600);
        full.put("vgpuUuids", List.of("98d19132-f8f0-4d19-8743-9efa23e6c493", "98d19132-f8f0-4d19-8743-9efa23e6c494"));
        ClaimRequest read = ClaimRequest.of(full);
        assertThat(read.claimId()).isEqualTo("5f0c2a8e-0d7b-4c1e-9a57-3e2f1b0c4d6a");
        assertThat(read.vgpuUuids()).hasSize(2);
    }

    @Test
    void refusesEachBadFieldByName() {
        Map<String, Object> body = body();
        body.put("ttlSeconds", 3601);
        assertThat(fieldOf(body)).isEqualTo("ttlSeconds");
        body = body();
        body.put("vgpuUuids", List.of("98d19132-f8f0-4d19-8743-9efa23e6c493"));
        assertThat(fieldOf(body)).isEqualTo("vgpuUuids");
        body = body();
        body.put("vgpuUuids", List.of("98d19132-f8f0-4d19-8743-9efa23e6c493", "98d19132-f8f0-4d19-8743-9efa23e6c493"));
        assertThat(fieldOf(body)).isEqualTo("vgpuUuids[1]");
        body = body();
        body.put("placement", Map.of("typeId", "nvidia-232", "policy", "BALANCED"));
        assertThat(fieldOf(body)).isEqualTo("placement.policy");
        body = body();
        body.put("claimId", "NOT-A-UUID");
        assertThat(fieldOf(body)).isEqualTo("claimId");
        body = body();
        body.remove("requester");
        assertThat(fieldOf(body)).isEqualTo("requester");
        assertThatThrownBy(() -> ClaimRequest.extension(Map.of("ttl", 5))).isInstanceOf(InvalidRequestException.class);
        assertThat(ClaimRequest.extension(Map.of("ttlSeconds", 5))).isEqualTo(5);
    }

    @Test
    void hostileIdentifiersAreEitherValidOrRefusedNamingTheirField() {
        for (String hostile : HostileStrings.sample(5L, 300)) {
            for (String field : List.of("vmId", "requester")) {
                Map<String, Object> body = body();
                body.put(field, hostile);
                String refused = fieldOf(body);
                boolean valid;
                try {
                    Checks.identifier(hostile, field);
                    valid = true;
                } catch (IllegalArgumentException e) {
                    valid = false;
                }
                assertThat(refused).as("%s = %s", field, Checks.printable(hostile)).isEqualTo(valid ? null : field);
            }
        }
    }
}
