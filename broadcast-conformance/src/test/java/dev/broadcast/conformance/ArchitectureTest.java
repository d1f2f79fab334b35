package dev.broadcast.conformance;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layout rules of the published modules (STYLE.md 13), checked on their compiled classes so a
 * shortcut fails the build instead of drifting: no package cycles, internals used only where they
 * live, the engine never reaching back into its facade, {@code broadcast-api} free of dependencies,
 * and the core free of container APIs.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importPublishedModules() {
        // main classes of broadcast-api, -core, -jakarta, -server, -micrometer, -redis and -testing (this module's own tests excluded)
        classes = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.broadcast");
    }

    @Test
    void noPackageCycles() {
        check(slices().matching("dev.broadcast.(**)").should().beFreeOfCycles());
    }

    @Test
    void coreInternalsAreUsedOnlyInsideTheCore() {
        check(classes().that().resideInAPackage("dev.broadcast.core.internal..")
                .should().onlyHaveDependentClassesThat().resideInAnyPackage("dev.broadcast.core.."));
    }

    @Test
    void theApiInternalsAreUsedOnlyByTheApiAndTheCoreItIsExportedTo() {
        check(classes().that().resideInAPackage("dev.broadcast.internal..")
                .should().onlyHaveDependentClassesThat().resideInAnyPackage("dev.broadcast", "dev.broadcast.internal..",
                        "dev.broadcast.core.internal.."));
    }

    @Test
    void theEngineNeverImportsItsFacade() {
        check(noClasses().that().resideInAnyPackage("dev.broadcast.core.internal..", "dev.broadcast.core.config..",
                        "dev.broadcast.core.driver..", "dev.broadcast.core.transport..", "dev.broadcast.core.cluster..")
                .should().dependOnClassesThat().resideInAPackage("dev.broadcast.core"));
    }

    @Test
    void theApiDependsOnNothingButTheJdk() {
        check(classes().that().resideInAnyPackage("dev.broadcast", "dev.broadcast.internal..")
                .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "dev.broadcast",
                        "dev.broadcast.internal.."));
    }

    @Test
    void theCoreImportsNoContainerOrFrameworkApi() {
        check(noClasses().that().resideInAPackage("dev.broadcast.core..")
                .should().dependOnClassesThat().resideInAnyPackage("jakarta..", "javax.servlet..",
                        "javax.websocket..", "io.netty..", "org.glassfish..", "io.micrometer..", "org.springframework..",
                        "io.lettuce..", "reactor.."));
    }

    @Test
    void lettuceIsUsedOnlyByTheRedisBus() {
        check(noClasses().that().resideOutsideOfPackage("dev.broadcast.redis..")
                .and().resideInAPackage("dev.broadcast..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lettuce..", "reactor.."));
    }

    /**
     * Micrometer only in its adapter, and in the one class of the standalone server that serves
     * {@code /metrics} (Micrometer is optional there: no other class of the server may load it).
     */
    @Test
    void micrometerIsUsedOnlyByItsAdapter() {
        check(noClasses().that().resideOutsideOfPackage("dev.broadcast.micrometer..")
                .and().resideInAPackage("dev.broadcast..")
                .and().doNotHaveFullyQualifiedName("dev.broadcast.server.MetricsEndpoint")
                .should().dependOnClassesThat().resideInAPackage("io.micrometer.."));
    }

    /**
     * Logback only where the runnable jar configures it: the library logs through SLF4J alone, so
     * an application's own binding and configuration rule.
     */
    @Test
    void logbackIsConfiguredOnlyByTheRunnableJar() {
        check(noClasses().that().resideInAPackage("dev.broadcast..")
                .and().doNotHaveFullyQualifiedName("dev.broadcast.server.ServerLogging")
                .should().dependOnClassesThat().resideInAPackage("ch.qos.logback.."));
    }

    private static void check(ArchRule rule) {
        rule.check(classes);
    }
}
