package io.vgpufleet.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceTokenTest {

    @Test
    void noFileNoToken() {
        assertThat(new ServiceToken(null).get()).isEmpty();
    }

    @Test
    void readsTheTokenAtEveryCallSoARotationTakesEffect(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("service.jwt");
        Files.writeString(file, "aGVhZA.Ym9keQ.c2ln\n");
        ServiceToken token = new ServiceToken(file);
        assertThat(token.get()).contains("Bearer aGVhZA.Ym9keQ.c2ln");

        Files.writeString(file, "bmV3.dG9rZW4.c2ln");
        assertThat(token.get()).contains("Bearer bmV3.dG9rZW4.c2ln");
    }

    @Test
    void aFileThatHoldsNoJwtIsNeverSent(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("service.jwt");
        Files.writeString(file, "Bearer a.b.c\r\nX-Injected: yes");
        assertThatThrownBy(() -> new ServiceToken(file).get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("does not hold one JWT");
        assertThatThrownBy(() -> new ServiceToken(dir.resolve("missing.jwt")).get())
                .hasMessageContaining("cannot read the service token");
    }
}
