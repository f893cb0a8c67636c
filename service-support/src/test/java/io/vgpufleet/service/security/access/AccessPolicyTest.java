package io.vgpufleet.service.security.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.vgpufleet.testing.HostileStrings;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AccessPolicyTest {

    private final AccessPolicy policy = new AccessPolicy(false, List.of());

    @ParameterizedTest(name = "{0} {1} needs {2}")
    @CsvSource({
            "GET, /actuator/health, PUBLIC",
            "GET, /actuator/health/readiness, PUBLIC",
            "GET, /actuator/prometheus, PUBLIC",
            "POST, /actuator/health, ADMIN",
            "GET, /actuator/info, ADMIN",
            "GET, /actuator/env, ADMIN",
            "POST, /actuator/shutdown, ADMIN",
            "GET, /actuator, ADMIN",
            "GET, /error, PUBLIC",
            "GET, /api/v1/hosts, VIEWER",
            "HEAD, /api/v1/hosts/sim-01, VIEWER",
            "POST, /api/v1/placements, OPERATOR",
            "POST, /api/v1/claims, OPERATOR",
            "DELETE, /api/v1/claims/claim-7, OPERATOR",
            "POST, /api/v1/gpus/GPU-1/cordon, OPERATOR",
            "POST, /api/v1/gpus/GPU-1/uncordon, OPERATOR",
            "POST, /api/v1/migrations, OPERATOR",
            "POST, /api/v1/drains, OPERATOR",
            "PATCH, /api/v1/vgpus/v-1, OPERATOR",
            "DELETE, /api/v1/claims, ADMIN",
            "DELETE, /api/v1/hosts/sim-01, ADMIN",
            "PUT, /api/v1/policy, ADMIN",
            "PUT, /api/v1/health/policy/thresholds, ADMIN",
            "POST, /api/v1/admin/reindex, ADMIN",
            "POST, /api/v1/hosts/admin/cordon, OPERATOR",
            "PROPFIND, /api/v1/hosts, OPERATOR",
            "GET, /, ADMIN",
            "GET, /static/index.html, ADMIN",
            "POST, /other, ADMIN",
    })
    void decidesByMethodAndPath(String method, String path, Requirement expected) {
        assertThat(policy.required(method, path)).isEqualTo(expected);
    }

    @ParameterizedTest(name = "{0} {1} is not in normal form")
    @CsvSource({
            "GET, /actuator/health/../env",
            "GET, /api/v1/../../actuator/env",
            "GET, /actuator//env",
            "GET, /actuator/health/%2e%2e/env",
            "POST, /api/v1/hosts;x=1",
            "DELETE, /api/v1/hosts\\sim-01",
            "GET, /./actuator/health",
            "GET, actuator/health",
    })
    void pathsNotInNormalFormNeedAdmin(String method, String path) {
        assertThat(policy.required(method, path)).isEqualTo(Requirement.ADMIN);
    }

    @Test
    void anonymousReadsOpenApiReadsOnly() {
        AccessPolicy open = new AccessPolicy(true, List.of());
        assertThat(open.required("GET", "/api/v1/hosts")).isEqualTo(Requirement.PUBLIC);
        assertThat(open.required("POST", "/api/v1/placements")).isEqualTo(Requirement.OPERATOR);
        assertThat(open.required("GET", "/actuator/env")).isEqualTo(Requirement.ADMIN);
    }

    @Test
    void extraAdminWritesAddToTheDefaults() {
        AccessPolicy stricter = new AccessPolicy(false, List.of("POST /api/v1/drains", "* /api/*/hosts/*/decommission"));
        assertThat(stricter.required("POST", "/api/v1/drains")).isEqualTo(Requirement.ADMIN);
        assertThat(stricter.required("PUT", "/api/v2/hosts/sim-01/decommission")).isEqualTo(Requirement.ADMIN);
        assertThat(stricter.required("POST", "/api/v1/migrations")).isEqualTo(Requirement.OPERATOR);
        assertThat(stricter.required("DELETE", "/api/v1/claims")).isEqualTo(Requirement.ADMIN);
        assertThatIllegalArgumentException().isThrownBy(() -> new AccessPolicy(false, List.of("/api/v1/drains")))
                .withMessageContaining("METHOD /path/pattern");
    }

    @Test
    void aTrailingSlashDoesNotEscapeARule() {
        assertThat(policy.required("DELETE", "/api/v1/hosts/sim-01/")).isEqualTo(Requirement.ADMIN);
        assertThat(policy.required("GET", "/actuator/env/")).isEqualTo(Requirement.ADMIN);
    }

    @Test
    void hostilePathsNeverNeedLessThanAViewerUnlessTheyAreHealthOrMetrics() {
        for (String hostile : HostileStrings.sample(7, 3_000, "/", "..", "%2e", ";", "api", "actuator", "health")) {
            for (String method : List.of("GET", "POST", "DELETE", "X")) {
                for (String path : List.of(hostile, "/" + hostile, "/api/v1/" + hostile, "/actuator/" + hostile)) {
                    Requirement required = policy.required(method, path);
                    if (required == Requirement.PUBLIC) {
                        assertThat(path).as(method + " " + path).matches("/actuator/(health(/[^/]+)*|prometheus)/?|/error/?");
                        assertThat(AccessPolicy.isRead(method)).isTrue();
                    }
                    if (!AccessPolicy.isRead(method)) {
                        assertThat(required).as(method + " " + path).isIn(Requirement.OPERATOR, Requirement.ADMIN);
                    }
                }
            }
        }
    }
}
