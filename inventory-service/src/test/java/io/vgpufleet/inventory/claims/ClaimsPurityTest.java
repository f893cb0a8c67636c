package io.vgpufleet.inventory.claims;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The ledger decides with plain values; Kafka Streams and REST are adapters around it. */
class ClaimsPurityTest {

    private static final JavaClasses INVENTORY = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.vgpufleet.inventory");

    @Test
    void theLedgerDependsOnlyOnTheJdkAndTheContracts() {
        classes().that().resideInAPackage("io.vgpufleet.inventory.claims.ledger")
                .should().onlyDependOnClassesThat()
                .resideInAnyPackage("java..", "io.vgpufleet.inventory.claims.ledger", "io.vgpufleet.contracts..",
                        "org.jspecify.annotations..")
                .check(INVENTORY);
    }

    @Test
    void theStreamsAdapterKnowsNothingOfRest() {
        noClasses().that().resideInAPackage("io.vgpufleet.inventory.claims.streams..")
                .should().dependOnClassesThat().resideInAnyPackage("io.vgpufleet.inventory.claims.api..",
                        "org.springframework.web..")
                .check(INVENTORY);
    }
}
