package io.vgpufleet.contracts.command;

import static io.vgpufleet.contracts.Checks.validPciBdf;
import static io.vgpufleet.contracts.Checks.vgpuTypeId;

import java.time.Instant;
import java.util.Base64;
import org.jspecify.annotations.Nullable;

/**
 * Ask a candidate target host whether a vGPU from the source could migrate to one of its pGPUs: the
 * source's {@code migration_version} is written to the target's attribute, and/or the source vGPU's NVML
 * metadata is checked with {@code nvmlGetVgpuCompatibility} against the target pGPU. At least one must
 * be given.
 *
 * @param vgpuMetadataBase64 the source's {@code nvmlVgpuInstanceGetMetadata} blob, base64
 */
public record CheckMigrationCompatibility(
        String commandId,
        String hostId,
        Instant issuedAt,
        Instant notAfter,
        String parentPciBdf,
        String typeId,
        @Nullable String migrationVersion,
        @Nullable String vgpuMetadataBase64)
        implements AgentCommand {

    public CheckMigrationCompatibility {
        CommandHeader.check(commandId, hostId, issuedAt, notAfter);
        validPciBdf(parentPciBdf, "parentPciBdf");
        vgpuTypeId(typeId, "typeId");
        if (migrationVersion == null && vgpuMetadataBase64 == null) {
            throw new IllegalArgumentException("give migrationVersion or vgpuMetadataBase64");
        }
        if (migrationVersion != null && (migrationVersion.isEmpty() || migrationVersion.length() > 4096)) {
            throw new IllegalArgumentException("migrationVersion must hold 1 to 4096 characters");
        }
        if (vgpuMetadataBase64 != null) {
            try {
                Base64.getDecoder().decode(vgpuMetadataBase64);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("vgpuMetadataBase64 is not base64: " + e.getMessage());
            }
        }
    }
}
