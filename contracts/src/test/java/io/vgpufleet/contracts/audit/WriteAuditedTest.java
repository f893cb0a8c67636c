package io.vgpufleet.contracts.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.vgpufleet.contracts.Samples;
import io.vgpufleet.testing.HostileStrings;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class WriteAuditedTest {

    private static final Instant AT = Samples.T0;

    @Test
    void anAcceptedWriteIsOneAnsweredWith2xx() {
        assertThat(Samples.operatorCordonAccepted().accepted()).isTrue();
        assertThat(Samples.anonymousWriteRefused().accepted()).isFalse();
    }

    @Test
    void refusesPrincipalsAndPathsThatWouldForgeLogLinesNamingTheField() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> audited("alice\nroot", List.of("operator"), "POST", "/api/v1/placements", 200))
                .withMessageStartingWith("principal ");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> audited("alice", List.of("operator"), "POST", "/api/v1/x\u202eyz", 200))
                .withMessageStartingWith("path ");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> audited("alice", List.of("operator"), "POST", "api/v1/no-slash", 200))
                .withMessageStartingWith("path ");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> audited("a".repeat(WriteAudited.MAX_PRINCIPAL + 1), List.of(), "POST", "/", 401))
                .withMessageStartingWith("principal ");
    }

    @Test
    void refusesBadMethodsStatusesAndRoles() {
        assertThatIllegalArgumentException().isThrownBy(() -> audited("alice", List.of(), "post", "/api", 200))
                .withMessageStartingWith("method ");
        assertThatIllegalArgumentException().isThrownBy(() -> audited("alice", List.of(), "POST", "/api", 99))
                .withMessageStartingWith("status ");
        assertThatIllegalArgumentException().isThrownBy(() -> audited("alice", List.of("op erator"), "POST", "/api", 200))
                .withMessageStartingWith("roles ");
    }

    @Test
    void anAnonymousWriteHasNoRoles() {
        assertThatIllegalArgumentException().isThrownBy(() -> new WriteAudited("req-1", "inventory-service",
                WriteAudited.ANONYMOUS, false, List.of("admin"), "POST", "/api/v1/placements", 401, AT, null, null))
                .withMessageStartingWith("roles ");
    }

    @Test
    void hostilePrincipalsEitherFailWithTheFieldNamedOrAreKeptVerbatim() {
        for (String principal : HostileStrings.sample(9, 2_000)) {
            try {
                assertThat(audited(principal, List.of("viewer"), "PUT", "/api/v1/x", 403).principal()).isEqualTo(principal);
            } catch (IllegalArgumentException e) {
                assertThat(e.getMessage()).startsWith("principal ");
            }
        }
    }

    private static WriteAudited audited(String principal, List<String> roles, String method, String path, int status) {
        return new WriteAudited("req-1", "inventory-service", principal, true, roles, method, path, status, AT, null, null);
    }
}
