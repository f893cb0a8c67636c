package io.vgpufleet.health.signals;

import io.vgpufleet.contracts.health.HealthSignal;
import io.vgpufleet.service.web.NotFoundException;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/v1/gpus/{gpuUuid}/signals}: the latest health signal of each kind for a pGPU. */
@RestController
@RequestMapping("/api/v1")
class SignalsApi {

    private final LatestSignals latest;

    SignalsApi(LatestSignals latest) {
        this.latest = latest;
    }

    @GetMapping("/gpus/{gpuUuid}/signals")
    Map<String, HealthSignal> signals(@PathVariable String gpuUuid) {
        Map<String, HealthSignal> signals = latest.of(gpuUuid);
        if (signals.isEmpty()) {
            throw new NotFoundException("no health signal seen for pGPU " + gpuUuid);
        }
        return signals;
    }
}
