package io.vgpufleet.lifecycle.vgpus.machine;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The state machine and the domain XML renderer are plain Java over the contracts; adapters depend on them. */
class MachinePurityTest {

    private static final JavaClasses LIFECYCLE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vgpufleet.lifecycle");

    @Test
    void theMachineDependsOnlyOnTheJdkAndTheContracts() {
        classes().that().resideInAnyPackage("io.vgpufleet.lifecycle.vgpus.machine", "io.vgpufleet.lifecycle.domainxml")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.vgpufleet.lifecycle.vgpus.machine", "io.vgpufleet.lifecycle.domainxml",
                        "io.vgpufleet.contracts..", "org.jspecify.annotations..")
                .check(LIFECYCLE);
    }

    @Test
    void nothingDependsOnTheRestAdapter() {
        noClasses().that().resideOutsideOfPackages("io.vgpufleet.lifecycle.vgpus.api..")
                .should().dependOnClassesThat().resideInAPackage("io.vgpufleet.lifecycle.vgpus.api..")
                .check(LIFECYCLE);
    }
}
