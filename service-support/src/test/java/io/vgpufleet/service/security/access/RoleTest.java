package io.vgpufleet.service.security.access;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoleTest {

    @Test
    void eachRoleIncludesTheOnesBelowIt() {
        assertThat(Role.VIEWER.satisfies(Requirement.VIEWER)).isTrue();
        assertThat(Role.VIEWER.satisfies(Requirement.OPERATOR)).isFalse();
        assertThat(Role.OPERATOR.satisfies(Requirement.VIEWER)).isTrue();
        assertThat(Role.OPERATOR.satisfies(Requirement.OPERATOR)).isTrue();
        assertThat(Role.OPERATOR.satisfies(Requirement.ADMIN)).isFalse();
        assertThat(Role.ADMIN.satisfies(Requirement.ADMIN)).isTrue();
        assertThat(Role.ADMIN.satisfies(Requirement.OPERATOR)).isTrue();
    }

    @Test
    void readsAnArrayOrASeparatedStringAndIgnoresWhatItDoesNotKnow() {
        assertThat(Role.fromClaim(List.of("operator", "superuser", 7))).containsExactly(Role.OPERATOR);
        assertThat(Role.fromClaim("viewer admin")).containsExactly(Role.VIEWER, Role.ADMIN);
        assertThat(Role.fromClaim(" viewer,operator ")).containsExactly(Role.VIEWER, Role.OPERATOR);
        assertThat(Role.fromClaim("ADMIN")).as("names are case-sensitive").isEmpty();
        assertThat(Role.fromClaim("admin\u0000")).isEmpty();
        assertThat(Role.fromClaim(Map.of("role", "admin"))).isEmpty();
        assertThat(Role.fromClaim(true)).isEmpty();
    }
}
