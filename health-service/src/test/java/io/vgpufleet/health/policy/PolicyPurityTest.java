package io.vgpufleet.health.policy;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The policy is plain Java over the contract records: no Spring, Kafka, Jackson, servlet or Micrometer type. */
class PolicyPurityTest {

    @Test
    void thePolicyDependsOnlyOnTheJdkAndTheContracts() {
        JavaClasses policy = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.vgpufleet.health.policy");
        classes().that().resideInAPackage("io.vgpufleet.health.policy..")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.vgpufleet.health.policy..", "io.vgpufleet.contracts.health..")
                .check(policy);
    }
}
