package io.vgpufleet.inventory.placement;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The engine is plain Java over the contracts; its REST adapter depends on it, never the other way. */
class PlacementPurityTest {

    private static final JavaClasses INVENTORY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vgpufleet.inventory");

    @Test
    void theEngineDependsOnlyOnTheJdkAndTheContracts() {
        classes().that().resideInAPackage("io.vgpufleet.inventory.placement")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.vgpufleet.inventory.placement", "io.vgpufleet.contracts..",
                        "org.jspecify.annotations..")
                .check(INVENTORY);
    }

    @Test
    void nothingOutsideTheAdapterDependsOnIt() {
        // the claims adapter reuses the placement request parsing and the placement input
        noClasses().that().resideOutsideOfPackages("io.vgpufleet.inventory.placement.api..",
                        "io.vgpufleet.inventory.claims.api..")
                .should().dependOnClassesThat().resideInAPackage("io.vgpufleet.inventory.placement.api..")
                .check(INVENTORY);
    }
}
