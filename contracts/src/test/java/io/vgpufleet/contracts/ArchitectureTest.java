package io.vgpufleet.contracts;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The contracts are what every component shares, the lean node agent included: the records depend on
 * nothing but the JDK and each other, and nothing here reaches into Spring, JNA or a component.
 */
class ArchitectureTest {

    private static final JavaClasses CONTRACTS = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vgpufleet.contracts");

    @Test
    void recordsDependOnlyOnTheJdkAndTheContracts() {
        classes().that().resideInAnyPackage("..contracts.host..", "..contracts.health..", "..contracts.command..",
                        "..contracts.lifecycle..", "..contracts.migration..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "org.jspecify..", "io.vgpufleet.contracts",
                        "..contracts.host..", "..contracts.health..", "..contracts.command..", "..contracts.lifecycle..",
                        "..contracts.migration..")
                .because("a record must read the same whichever framework or client carries it")
                .check(CONTRACTS);
    }

    @Test
    void contractsReachIntoNoFrameworkAndNoComponent() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage(
                        "org.springframework..", "com.sun.jna..", "io.vgpufleet.agent..", "io.vgpufleet.inventory..",
                        "io.vgpufleet.lifecycle..", "io.vgpufleet.health..", "io.vgpufleet.migration..",
                        "io.vgpufleet.service..")
                .check(CONTRACTS);
    }
}
