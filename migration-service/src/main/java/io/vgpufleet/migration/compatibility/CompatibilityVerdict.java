package io.vgpufleet.migration.compatibility;

import io.vgpufleet.contracts.command.CommandFailed;
import io.vgpufleet.contracts.command.CommandRejected;
import io.vgpufleet.contracts.command.CommandReply;
import io.vgpufleet.contracts.command.CommandSucceeded;
import java.util.List;
import java.util.Map;

/**
 * The driver's half of compatibility: a target agent's reply to {@code CheckMigrationCompatibility} read
 * as compatible or not, with the rejection code. Compatible only when the agent says {@code
 * compatible=true} and, where it reports migration kinds, {@code LIVE} is among them.
 *
 * <p>Codes: {@code NOT_MIGRATABLE} (no {@code migration_version} on the target type), {@code NVML_LIMIT}
 * (NVML's limit code: {@code HOST_DRIVER}, {@code GUEST_DRIVER}, {@code GPU}, {@code OTHER}, or no LIVE
 * bit), {@code MIGRATION_VERSION} (the target refused the source's string), {@code CHECK_FAILED} (the
 * agent could not run the check), {@code CHECK_REJECTED} (the agent refused the command).
 */
public record CompatibilityVerdict(boolean compatible, String reason, String detail) {

    public static CompatibilityVerdict of(CommandReply reply) {
        if (reply instanceof CommandRejected rejected) {
            return new CompatibilityVerdict(false, "CHECK_REJECTED", String.join("; ", rejected.reasons()));
        }
        if (reply instanceof CommandFailed failed) {
            return new CompatibilityVerdict(false, "CHECK_FAILED", failed.errorCode() + ": " + failed.message());
        }
        Map<String, String> result = ((CommandSucceeded) reply).result();
        String limit = result.getOrDefault("limit", "NONE");
        String words = result.getOrDefault("reason", "no reason given");
        List<String> kinds = List.of(result.getOrDefault("migrationKinds", "").split(","));
        if ("true".equals(result.get("compatible"))) {
            if (result.containsKey("migrationKinds") && !kinds.contains("LIVE")) {
                return new CompatibilityVerdict(false, "NVML_LIMIT", "no LIVE migration allowed (kinds "
                        + result.get("migrationKinds") + ", limit " + limit + "): " + words);
            }
            return new CompatibilityVerdict(true, "COMPATIBLE", words);
        }
        String code;
        if ("NOT_MIGRATABLE".equals(limit)) {
            code = "NOT_MIGRATABLE";
        } else if (List.of("HOST_DRIVER", "GUEST_DRIVER", "GPU", "OTHER").stream().anyMatch(limit::contains)
                || "nvml".equals(result.get("decidedBy"))) {
            code = "NVML_LIMIT";
        } else {
            code = "MIGRATION_VERSION";
        }
        return new CompatibilityVerdict(false, code, "limit " + limit + ": " + words);
    }
}
