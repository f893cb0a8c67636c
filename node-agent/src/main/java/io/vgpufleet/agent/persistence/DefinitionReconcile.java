package io.vgpufleet.agent.persistence;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The pure decision at start: defined against active. An auto-start definition whose mdev is not active
 * is created again (a repair); an active mdev without a definition is drift, reported and left alone
 * (it may be a VM's, made by hand or by another tool).
 */
public final class DefinitionReconcile {

    /** What reconcile found: definitions to create again, and active mdevs that nothing defines. */
    public record Plan(List<MdevDefinition> recreate, List<String> undefinedActive) {
        public Plan {
            recreate = List.copyOf(recreate);
            undefinedActive = List.copyOf(undefinedActive);
        }
    }

    private DefinitionReconcile() {}

    public static Plan plan(Collection<MdevDefinition> defined, Set<String> activeMdevUuids) {
        List<MdevDefinition> recreate = new ArrayList<>();
        Set<String> definedUuids = new TreeSet<>();
        for (MdevDefinition definition : defined) {
            definedUuids.add(definition.uuid());
            if (definition.autoStart() && !activeMdevUuids.contains(definition.uuid())) {
                recreate.add(definition);
            }
        }
        recreate.sort((a, b) -> a.uuid().compareTo(b.uuid()));
        List<String> undefined = new TreeSet<>(activeMdevUuids).stream()
                .filter(uuid -> !definedUuids.contains(uuid)).toList();
        return new Plan(recreate, undefined);
    }
}
