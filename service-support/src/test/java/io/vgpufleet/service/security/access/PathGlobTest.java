package io.vgpufleet.service.security.access;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathGlobTest {

    @Test
    void aStarIsOneSegmentAndTwoStarsAreAnyNumber() {
        assertThat(PathGlob.of("/api/*/hosts/*").matches("/api/v1/hosts/sim-01")).isTrue();
        assertThat(PathGlob.of("/api/*/hosts/*").matches("/api/v1/hosts")).isFalse();
        assertThat(PathGlob.of("/api/*/hosts/*").matches("/api/v1/hosts/sim-01/cordon")).isFalse();
        assertThat(PathGlob.of("/api/*/admin/**").matches("/api/v1/admin")).isTrue();
        assertThat(PathGlob.of("/api/*/admin/**").matches("/api/v1/admin/keys/7")).isTrue();
        assertThat(PathGlob.of("/api/*/admin/**").matches("/api/v1/hosts/admin")).isFalse();
        assertThat(PathGlob.of("/**").matches("/")).isTrue();
        assertThat(PathGlob.of("/a/**/z").matches("/a/b/c/z")).isTrue();
        assertThat(PathGlob.of("/a/**/z").matches("/a/z")).isTrue();
        assertThat(PathGlob.of("/a/**/z").matches("/a/b/c")).isFalse();
    }
}
