package io.vgpufleet.migration.api;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.Vgpu;
import io.vgpufleet.contracts.migration.MigrationSaga;
import io.vgpufleet.contracts.migration.MigrationStep;
import io.vgpufleet.migration.downtime.DowntimeEstimate;
import io.vgpufleet.migration.fleet.Fleet;
import io.vgpufleet.migration.runtime.SagaEngine;
import io.vgpufleet.migration.sagas.CommandIds;
import io.vgpufleet.migration.sagas.MigrationRequests;
import io.vgpufleet.service.web.InvalidFieldException;
import io.vgpufleet.service.web.RequestFields;
import io.vgpufleet.service.web.InvalidRequestException;
import io.vgpufleet.service.web.NotFoundException;
import io.vgpufleet.service.web.Page;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/migrations} {@code {"vgpuUuid": "...", "targetHostId": "..."}} or {@code {"vmId": "..."}}
 * (a VM holding one vGPU): queues a live migration and answers 202 with it, its downtime estimate included;
 * {@code GET /api/v1/migrations/{id}}; {@code GET /api/v1/migrations?page=0&size=50[&step=COMPLETED]}, newest
 * first. A migration shows its step, every rejected target with its reason, and why it ended.
 */
@RestController
@RequestMapping("/api/v1")
class MigrationApi {

    private static final Set<String> FIELDS = Set.of("vgpuUuid", "vmId", "targetHostId");

    private final SagaEngine engine;
    private final DowntimeEstimate estimate;
    private final Clock clock;

    MigrationApi(SagaEngine engine, DowntimeEstimate estimate, Clock clock) {
        this.engine = engine;
        this.estimate = estimate;
        this.clock = clock;
    }

    @PostMapping("/migrations")
    ResponseEntity<MigrationSaga> start(@RequestBody(required = false) @Nullable Map<String, Object> body) {
        Map<String, ?> fields = RequestFields.object(body);
        RequestFields.onlyKnown(fields, FIELDS, "a migration request");
        String vgpuUuid = RequestFields.checked(fields, "vgpuUuid", Checks::validUuid);
        String vmId = RequestFields.checked(fields, "vmId", Checks::identifier);
        String target = RequestFields.checked(fields, "targetHostId", Checks::validHostId);
        if (vgpuUuid == null && vmId == null) {
            throw new InvalidFieldException("vgpuUuid", "or vmId must be given");
        }
        String migrationId = CommandIds.newMigrationId(UUID.randomUUID());
        MigrationSaga saga;
        try {
            saga = engine.submit(fleet -> {
                Located located = locate(fleet, vgpuUuid, vmId);
                if (target != null && target.equals(located.host().hostId())) {
                    throw new InvalidFieldException("targetHostId", "is the host the vGPU is on");
                }
                if (target != null && fleet.host(target).isEmpty()) {
                    throw new InvalidFieldException("targetHostId", "names no host of the fleet: " + target);
                }
                return MigrationRequests.queued(migrationId, null, false, located.host(), located.vgpu(), target,
                        estimate, clock.instant());
            });
        } catch (SagaEngine.AlreadyMigrating e) {
            ErrorResponseException conflict = new ErrorResponseException(HttpStatus.CONFLICT);
            conflict.getBody().setTitle("Already migrating");
            conflict.getBody().setDetail(e.getMessage());
            conflict.getBody().setProperty("migrationId", e.running().migrationId());
            throw conflict;
        }
        return ResponseEntity.accepted().location(URI.create("/api/v1/migrations/" + saga.migrationId())).body(saga);
    }

    @GetMapping("/migrations/{migrationId}")
    MigrationSaga one(@PathVariable String migrationId) {
        try {
            Checks.identifier(migrationId, "migrationId");
        } catch (IllegalArgumentException e) {
            throw new InvalidFieldException("migrationId", "must be an id like mig-<uuid>");
        }
        return engine.migration(migrationId).orElseThrow(() -> new NotFoundException("no migration " + migrationId));
    }

    @GetMapping("/migrations")
    Page<MigrationSaga> all(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size,
            @RequestParam(required = false) @Nullable String step) {
        List<MigrationSaga> all = engine.migrations();
        if (step != null) {
            MigrationStep wanted;
            try {
                wanted = MigrationStep.valueOf(step);
            } catch (IllegalArgumentException e) {
                throw new InvalidFieldException("step", "must be one of " + List.of(MigrationStep.values()));
            }
            all = all.stream().filter(saga -> saga.step() == wanted).toList();
        }
        return Page.of(all, page, size);
    }

    private record Located(HostSnapshot host, Vgpu vgpu) {}

    private static Located locate(Fleet fleet, @Nullable String vgpuUuid, @Nullable String vmId) {
        List<Located> found = new ArrayList<>();
        for (HostSnapshot host : fleet.hosts()) {
            for (Vgpu vgpu : host.vgpus()) {
                boolean match = vgpuUuid != null ? vgpu.uuid().equals(vgpuUuid) : vmId.equals(vgpu.vmId());
                if (match) {
                    found.add(new Located(host, vgpu));
                }
            }
        }
        if (found.isEmpty()) {
            throw new NotFoundException(vgpuUuid != null ? "no host of the fleet has vGPU " + vgpuUuid
                    : "no host of the fleet has a vGPU held by VM " + vmId);
        }
        if (found.size() > 1) {
            throw new InvalidFieldException("vmId", "holds " + found.size() + " vGPUs; name the one to move with vgpuUuid");
        }
        Located located = found.get(0);
        if (vmId != null && !vmId.equals(located.vgpu().vmId())) {
            throw new InvalidFieldException("vmId", "does not hold vGPU " + vgpuUuid);
        }
        if (located.vgpu().vmId() == null) {
            throw new InvalidRequestException("vGPU " + located.vgpu().uuid() + " is held by no VM: nothing to live-migrate");
        }
        return located;
    }
}
