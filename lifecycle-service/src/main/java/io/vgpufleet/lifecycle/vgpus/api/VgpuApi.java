package io.vgpufleet.lifecycle.vgpus.api;

import io.vgpufleet.contracts.Checks;
import io.vgpufleet.contracts.host.HostKind;
import io.vgpufleet.contracts.host.HostSnapshot;
import io.vgpufleet.contracts.host.PhysicalGpu;
import io.vgpufleet.contracts.lifecycle.DeviceStatus;
import io.vgpufleet.contracts.lifecycle.VgpuDevice;
import io.vgpufleet.contracts.lifecycle.VgpuRequest;
import io.vgpufleet.contracts.lifecycle.VgpuState;
import io.vgpufleet.lifecycle.domainxml.DomainDefinition;
import io.vgpufleet.lifecycle.vgpus.LifecycleEngine;
import io.vgpufleet.lifecycle.vgpus.machine.Decision;
import io.vgpufleet.lifecycle.vgpus.machine.Stimulus;
import io.vgpufleet.service.web.InvalidFieldException;
import io.vgpufleet.service.web.NotFoundException;
import io.vgpufleet.service.web.Page;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.ErrorResponseException;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The vGPU API ({@code /api/v1}):
 *
 * <pre>
 * POST   /vgpus                  a request (body: {@link CreateRequestBody}); 202 new, 200 the earlier one of its clientRequestId
 * GET    /vgpus?page&size&state&vmId
 * GET    /vgpus/{id}
 * POST   /vgpus/{id}/suspend     202; 409 outside RUNNING
 * POST   /vgpus/{id}/resume      202; 409 outside SUSPENDED
 * DELETE /vgpus/{id}             202 (DESTROYING), also for a request already ended
 * GET    /vgpus/{id}/domain-xml?vcpus=4&memoryMib=8192   the libvirt domain; 409 before its vGPUs are placed
 * </pre>
 *
 * Every change is asynchronous: the answer shows the request as the state machine left it, and its
 * state changes are events on {@code vgpu.lifecycle.vgpu-states.v1}.
 */
@RestController
@RequestMapping("/api/v1/vgpus")
class VgpuApi {

    private final LifecycleEngine engine;

    VgpuApi(LifecycleEngine engine) {
        this.engine = engine;
    }

    @PostMapping
    ResponseEntity<VgpuView> create(@RequestBody Map<String, Object> body) {
        CreateRequestBody request = CreateRequestBody.of(body);
        LifecycleEngine.Created created;
        try {
            created = engine.create(request.vmId(), request.spec(), request.clientRequestId());
        } catch (LifecycleEngine.ConflictException e) {
            throw conflict(e.getMessage());
        }
        VgpuView view = VgpuView.of(created.request());
        return created.isNew()
                ? ResponseEntity.accepted().location(URI.create("/api/v1/vgpus/" + view.id())).body(view)
                : ResponseEntity.ok().location(URI.create("/api/v1/vgpus/" + view.id())).body(view);
    }

    @GetMapping
    Page<VgpuView> list(@RequestParam(defaultValue = "0") int page, @RequestParam(defaultValue = "50") int size,
            @RequestParam(required = false) @Nullable String state, @RequestParam(required = false) @Nullable String vmId) {
        VgpuState wanted = state == null ? null : state(state);
        List<VgpuView> views = engine.all().stream()
                .filter(request -> wanted == null || request.state() == wanted)
                .filter(request -> vmId == null || request.vmId().equals(vmId))
                .map(VgpuView::of).toList();
        return Page.of(views, page, size);
    }

    @GetMapping("/{id}")
    VgpuView get(@PathVariable String id) {
        return VgpuView.of(find(id));
    }

    @PostMapping("/{id}/suspend")
    ResponseEntity<VgpuView> suspend(@PathVariable String id) {
        return change(id, new Stimulus.SuspendRequested());
    }

    @PostMapping("/{id}/resume")
    ResponseEntity<VgpuView> resume(@PathVariable String id) {
        return change(id, new Stimulus.ResumeRequested());
    }

    @DeleteMapping("/{id}")
    ResponseEntity<VgpuView> destroy(@PathVariable String id) {
        return change(id, new Stimulus.DestroyRequested());
    }

    @GetMapping(value = "/{id}/domain-xml", produces = MediaType.APPLICATION_XML_VALUE)
    ResponseEntity<String> domainXml(@PathVariable String id, @RequestParam(defaultValue = "4") int vcpus,
            @RequestParam(defaultValue = "8192") long memoryMib) {
        VgpuRequest request = find(id);
        if (request.hostId() == null || request.terminal()
                || request.devices().stream().anyMatch(device -> device.gpuUuid() == null)) {
            throw conflict("request " + id + " is " + request.state() + ": its vGPUs are not placed on a host");
        }
        HostSnapshot host = engine.host(request.hostId()).orElse(null);
        List<DomainDefinition.Device> devices = new ArrayList<>();
        for (VgpuDevice device : request.devices()) {
            if (onVendorVfio(host, device.gpuUuid()) && device.virtualFunctionBdf() == null) {
                throw conflict("vGPU " + device.vgpuUuid() + " on vendor-VFIO host " + request.hostId()
                        + " has no VF yet (status " + device.status() + ")");
            }
            devices.add(new DomainDefinition.Device(device.vgpuUuid(),
                    device.status() == DeviceStatus.REMOVED ? null : device.virtualFunctionBdf()));
        }
        DomainDefinition.Tuning tuning;
        try {
            tuning = new DomainDefinition.Tuning(vcpus, memoryMib, localCpus(request, host), numaNodes(request));
        } catch (IllegalArgumentException e) {
            String message = String.valueOf(e.getMessage());
            throw new InvalidFieldException(message.startsWith("vcpus") ? "vcpus" : "memoryMib",
                    message.replaceFirst("^(vcpus|memoryMib) ", ""));
        }
        String xml = DomainDefinition.domainXml(request.vmId(), devices, request.spec().console(), tuning);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_XML).body(xml);
    }

    /** The CPUs local to the first vGPU's pGPU, from its host's snapshot (NVML's CPU affinity via sysfs). */
    private static String localCpus(VgpuRequest request, @Nullable HostSnapshot host) {
        PhysicalGpu gpu = gpuOf(host, request.devices().get(0).gpuUuid());
        return gpu == null ? "" : gpu.cpuAffinity();
    }

    /**
     * Whether the pGPU serves vGPUs as vendor-VFIO VFs. Asked of the pGPU, not the host: a host may have
     * mdev and vendor-VFIO pGPUs side by side, and {@link HostSnapshot#hostKind()} names only one kind.
     */
    static boolean onVendorVfio(@Nullable HostSnapshot host, @Nullable String gpuUuid) {
        PhysicalGpu gpu = gpuOf(host, gpuUuid);
        return gpu != null && gpu.hostKind() == HostKind.VENDOR_VFIO;
    }

    private static @Nullable PhysicalGpu gpuOf(@Nullable HostSnapshot host, @Nullable String gpuUuid) {
        if (host == null || gpuUuid == null) {
            return null;
        }
        return host.gpus().stream().filter(gpu -> gpu.uuid().equals(gpuUuid)).findFirst().orElse(null);
    }

    private static List<Integer> numaNodes(VgpuRequest request) {
        Set<Integer> nodes = new LinkedHashSet<>();
        request.devices().forEach(device -> nodes.add(device.numaNode()));
        return List.copyOf(nodes);
    }

    private ResponseEntity<VgpuView> change(String id, Stimulus stimulus) {
        find(id);
        Decision decision = engine.apply(id, stimulus).orElseThrow(() -> notFound(id));
        if (decision.refused() != null) {
            throw conflict(decision.refused());
        }
        return ResponseEntity.accepted().body(VgpuView.of(decision.request()));
    }

    private VgpuRequest find(String id) {
        return engine.get(id).orElseThrow(() -> notFound(id));
    }

    private static NotFoundException notFound(String id) {
        return new NotFoundException("no vGPU request " + Checks.printable(id));
    }

    private static VgpuState state(String value) {
        for (VgpuState known : VgpuState.values()) {
            if (known.name().equals(value)) {
                return known;
            }
        }
        throw new InvalidFieldException("state", "must be one of " + List.of(VgpuState.values()) + ", was '"
                + Checks.printable(value, 40) + "'");
    }

    private static ErrorResponseException conflict(String why) {
        ErrorResponseException conflict = new ErrorResponseException(HttpStatus.CONFLICT);
        conflict.getBody().setTitle("Conflict");
        conflict.getBody().setDetail(why);
        return conflict;
    }
}
