package io.vgpufleet.service.security;

import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** A service with nothing but service-support's auto-configuration and an API of reads and writes. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(SecuredTestApplication.ThingsApi.class)
class SecuredTestApplication {

    static final String PROPERTIES = """
            spring.application.name=security-it
            spring.config.import=classpath:vgpu-service-defaults.yml
            spring.cloud.stream.function.autodetect=false
            management.endpoints.web.exposure.include=health,info,prometheus,env
            """;

    @RestController
    @RequestMapping("/api/v1/things")
    static class ThingsApi {

        final AtomicInteger created = new AtomicInteger();
        final AtomicInteger deleted = new AtomicInteger();

        @GetMapping
        int count() {
            return created.get();
        }

        @PostMapping
        @ResponseStatus(HttpStatus.ACCEPTED)
        int create() {
            return created.incrementAndGet();
        }

        @DeleteMapping
        @ResponseStatus(HttpStatus.NO_CONTENT)
        void deleteAll() {
            deleted.incrementAndGet();
        }
    }
}
