package io.vgpufleet.migration.api;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.migration.CandidateRejection;
import io.vgpufleet.contracts.migration.Drain;
import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.migration.runtime.DrainStatus;
import io.vgpufleet.migration.runtime.SagaEngine;
import io.vgpufleet.service.web.InvalidFieldException;
import io.vgpufleet.service.web.RequestFields;
import io.vgpufleet.service.web.NotFoundException;
import io.vgpufleet.service.web.Page;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/drains} {@code {"gpuUuid": "GPU-..."}} or {@code {"hostId": "...", "reason": "..."}}:
 * moves every vGPU off the pGPU (found on the host whose snapshot lists it) or off the whole host, under the
 * concurrency limits; answers 202 with the drain. {@code GET /api/v1/drains/{id}}: the drain's state
 * (RUNNING, COMPLETED, INCOMPLETE), its migrations by step, and per vGPU the migration's step and reason or why
 * it is not moved, with the targets rejected. {@code GET /api/v1/drains?page&size}.
 */
@RestController
@RequestMapping("/api/v1")
class DrainApi {

    private static final Set<String> FIELDS = Set.of("gpuUuid", "hostId", "reason");

    private final SagaEngine engine;
    private final io.vgpufleet.migration.fleet.FleetState fleet;

    DrainApi(SagaEngine engine, io.vgpufleet.migration.fleet.FleetState fleet) {
        this.engine = engine;
        this.fleet = fleet;
    }

    @PostMapping("/drains")
    ResponseEntity<DrainView> start(@RequestBody(required = false) @Nullable Map<String, Object> body) {
        Map<String, ?> fields = RequestFields.object(body);
        RequestFields.onlyKnown(fields, FIELDS, "a drain request");
        String gpuUuid = RequestFields.checked(fields, "gpuUuid", Checks::validGpuUuid);
        String hostId = RequestFields.checked(fields, "hostId", Checks::validHostId);
        String reason = RequestFields.text(fields, "reason", 500);
        if ((gpuUuid == null) == (hostId == null)) {
            throw new InvalidFieldException("gpuUuid", "or hostId must be given, not both");
        }
        if (gpuUuid != null) {
            hostId = fleet.view(host -> 0).hosts().stream()
                    .filter(host -> host.gpus().stream().anyMatch(gpu -> gpu.uuid().equals(gpuUuid)))
                    .map(host -> host.hostId()).findFirst()
                    .orElseThrow(() -> new NotFoundException("no host of the fleet has pGPU " + gpuUuid));
        } else if (fleet.host(hostId).isEmpty()) {
            throw new NotFoundException("no host " + hostId + " in the fleet");
        }
        String drainId = "drain-" + UUID.randomUUID();
        Drain drain = engine.drain(drainId, hostId, gpuUuid, false, reason == null ? "operator drain" : reason);
        DrainView view = engine.drainStatus(drain.drainId()).map(DrainView::of).orElseThrow();
        return ResponseEntity.accepted().location(URI.create("/api/v1/drains/" + drainId)).body(view);
    }

    @GetMapping("/drains/{drainId}")
    DrainView one(@PathVariable String drainId) {
        try {
            Checks.identifier(drainId, "drainId");
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("drainId", "must be an id like drain-<uuid>");
        }
        return engine.drainStatus(drainId).map(DrainView::of).orElseThrow(() -> new NotFoundException("no drain " + drainId));
    }

    @GetMapping("/drains")
    Page<DrainView> all(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size) {
        return Page.of(engine.drains().stream().map(DrainView::of).toList(), page, size);
    }

    /** A drain as the API shows it. */
    record DrainView(String drainId, String hostId, @Nullable String gpuUuid, boolean urgent, String reason,
            Instant requestedAt, String state, Map<MigrationStep, Integer> migrationsByStep, List<ItemView> items) {

        static DrainView of(DrainStatus status) {
            Drain drain = status.drain();
            List<ItemView> items = drain.items().stream().map(item -> {
                MigrationSaga saga = item.migrationId() == null ? null : status.migrations().get(item.migrationId());
                return new ItemView(item.vgpuUuid(), item.vmId(), item.migrationId(),
                        saga == null ? null : saga.step(), saga == null ? null : saga.targetHostId(),
                        saga != null ? saga.reason() : item.unplaced(),
                        saga == null ? List.of() : saga.rejections(),
                        saga == null ? 0 : saga.estimatedDowntimeMillis());
            }).toList();
            return new DrainView(drain.drainId(), drain.hostId(), drain.gpuUuid(), drain.urgent(), drain.reason(),
                    drain.requestedAt(), status.state(), status.byStep(), items);
        }
    }

    /** One vGPU of a drain: its migration's step and last word, or why it is not moved. */
    record ItemView(String vgpuUuid, @Nullable String vmId, @Nullable String migrationId, @Nullable MigrationStep step,
            @Nullable String targetHostId, @Nullable String reason, List<CandidateRejection> rejections,
            long estimatedDowntimeMillis) {}
}
