package io.vgpufleet.inventory.placement.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vgpufleet.contracts.host.VgpuClass;
import io.vgpufleet.inventory.placement.PlacementPolicy;
import io.vgpufleet.service.web.InvalidFieldException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PlacementQueryTest {

    private static final String GPU = "GPU-00000001-0000-4000-8000-000000000001";

    @Test
    void readsEveryFieldOfAPlacementRequest() {
        Map<String, Object> body = new HashMap<>();
        body.put("typeId", "nvidia-476");
        body.put("minFramebufferMib", 40960);
        body.put("vgpuClass", "C");
        body.put("count", 2);
        body.put("numaNode", 1);
        body.put("hostAffinity", List.of("h1", "h2"));
        body.put("hostAntiAffinity", List.of("h3"));
        body.put("gpuAffinity", List.of(GPU));
        body.put("gpuAntiAffinity", List.of());
        body.put("p2p", true);
        body.put("eccRequired", true);
        body.put("policy", "spread");
        body.put("limit", 100);

        PlacementQuery query = PlacementQuery.of(body);

        assertThat(query.policy()).isEqualTo(PlacementPolicy.SPREAD);
        assertThat(query.limit()).isEqualTo(100);
        assertThat(query.request().typeId()).isEqualTo("nvidia-476");
        assertThat(query.request().minFramebufferMib()).isEqualTo(40960);
        assertThat(query.request().vgpuClass()).isEqualTo(VgpuClass.C);
        assertThat(query.request().count()).isEqualTo(2);
        assertThat(query.request().numaNode()).isEqualTo(1);
        assertThat(query.request().hosts()).containsExactlyInAnyOrder("h1", "h2");
        assertThat(query.request().avoidHosts()).containsExactly("h3");
        assertThat(query.request().gpus()).containsExactly(GPU);
        assertThat(query.request().nvlinkP2p()).isTrue();
        assertThat(query.request().eccRequired()).isTrue();
    }

    @Test
    void defaultsToOneVgpuOfAnyTypePackedTenCandidates() {
        PlacementQuery query = PlacementQuery.of(Map.of());

        assertThat(query.policy()).isEqualTo(PlacementPolicy.PACK);
        assertThat(query.limit()).isEqualTo(PlacementQuery.DEFAULT_LIMIT);
        assertThat(query.request().count()).isEqualTo(1);
        assertThat(query.request().typeId()).isNull();
        assertThat(query.request().numaNode()).isNull();
        assertThat(query.request().hosts()).isEmpty();
        assertThat(query.request().avoidGpus()).isEmpty();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of(Map.of("typeId", "grid-p4-8c"), "typeId"),
                Arguments.of(Map.of("typeId", 289), "typeId"),
                Arguments.of(Map.of("minFramebufferMib", -1), "minFramebufferMib"),
                Arguments.of(Map.of("minFramebufferMib", 1.5), "minFramebufferMib"),
                Arguments.of(Map.of("vgpuClass", "X"), "vgpuClass"),
                Arguments.of(Map.of("count", -2), "count"),
                Arguments.of(Map.of("count", 0), "count"),
                Arguments.of(Map.of("count", 17), "count"),
                Arguments.of(Map.of("count", "2"), "count"),
                Arguments.of(Map.of("numaNode", -1), "numaNode"),
                Arguments.of(Map.of("hostAffinity", "h1"), "hostAffinity"),
                Arguments.of(Map.of("hostAffinity", List.of("Not A Host!")), "hostAffinity[0]"),
                Arguments.of(Map.of("hostAntiAffinity", List.of("h1", 7)), "hostAntiAffinity[1]"),
                Arguments.of(Map.of("gpuAffinity", List.of("GPU-nope")), "gpuAffinity[0]"),
                Arguments.of(Map.of("gpuAntiAffinity", Map.of("a", 1)), "gpuAntiAffinity"),
                Arguments.of(Map.of("p2p", "yes"), "p2p"),
                Arguments.of(Map.of("p2p", true), "p2p"),
                Arguments.of(Map.of("eccRequired", 1), "eccRequired"),
                Arguments.of(Map.of("policy", "BALANCED"), "policy"),
                Arguments.of(Map.of("limit", 101), "limit"),
                Arguments.of(Map.of("limit", 0), "limit"),
                Arguments.of(Map.of("hostAfinity", List.of("h1")), "hostAfinity"));
    }

    @ParameterizedTest
    @MethodSource("malformed")
    void refusesAMalformedFieldNamingIt(Map<String, Object> body, String field) {
        assertThatThrownBy(() -> PlacementQuery.of(body))
                .isInstanceOfSatisfying(InvalidFieldException.class, e -> {
                    assertThat(e.getBody().getProperties()).containsEntry("field", field);
                    assertThat(e.getBody().getDetail()).startsWith(field + " ");
                    assertThat(e.getStatusCode().value()).isEqualTo(400);
                });
    }
}
