package io.vgpufleet.migration.sagas;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * Deterministic ids of a saga's commands and claims, so that a resumed saga sends the same ids and the
 * agent (or the inventory) answers a repeat with its first outcome instead of acting again:
 * {@code <migrationId>.<step>} (e.g. {@code mig-1b2c.prepare}), {@code <migrationId>.check.<8 hex>} per
 * candidate pGPU. Migration ids hold no dot, so the migration of a reply is the part before the first dot.
 */
public final class CommandIds {

    public static final String CHECK = "check";
    public static final String PREPARE = "prepare";
    public static final String MIGRATE = "migrate";
    public static final String CLEANUP = "cleanup";
    public static final String UNDO_PREPARE = "undo-prepare";

    private CommandIds() {}

    public static String of(String migrationId, String step) {
        return migrationId + "." + step;
    }

    public static String check(String migrationId, String hostId, String pciBdf) {
        String digest = UUID.nameUUIDFromBytes((hostId + "/" + pciBdf).getBytes(StandardCharsets.UTF_8)).toString();
        return migrationId + "." + CHECK + "." + digest.substring(0, 8);
    }

    /** The claim id (a UUID, as the inventory takes it) of a migration's claim on one target pGPU. */
    public static String claim(String migrationId, String hostId, String gpuUuid) {
        return UUID.nameUUIDFromBytes((migrationId + "/claim/" + hostId + "/" + gpuUuid).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** The migration a command id belongs to, where it is one of ours. */
    public static Optional<String> migrationOf(String commandId) {
        int dot = commandId.indexOf('.');
        return dot > 0 ? Optional.of(commandId.substring(0, dot)) : Optional.empty();
    }

    /** A fresh migration id: {@code mig-<uuid>}. */
    public static String newMigrationId(UUID uuid) {
        return "mig-" + uuid;
    }

    /** The migration id a drain gives one of its vGPUs: the same for the same drain and vGPU. */
    public static String drainMigrationId(String drainId, String vgpuUuid) {
        return "mig-" + UUID.nameUUIDFromBytes((drainId + "/" + vgpuUuid).getBytes(StandardCharsets.UTF_8));
    }

    /** The vGPU UUID the VM gets on its target: fixed per migration, so a repeated prepare is the same vGPU. */
    public static String targetVgpuUuid(String migrationId) {
        return UUID.nameUUIDFromBytes((migrationId + "/target-vgpu").getBytes(StandardCharsets.UTF_8)).toString();
    }
}
