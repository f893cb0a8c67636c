package io.vgpufleet.health;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The health-service: GPU health signals to verdicts and cordons (drain requests follow, see DESIGN.md). */
@SpringBootApplication
public class HealthServiceApplication {

    public static void main(String[] args) {
        SpringApplication.run(HealthServiceApplication.class, args);
    }
}
