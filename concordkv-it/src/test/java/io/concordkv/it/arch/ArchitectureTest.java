package io.concordkv.it.arch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Fails the build when a module imports a layer above it, or another module's internals. The
 * rules are first shown to catch a deliberate violation in {@code io.concordkv.archfixture}.
 */
class ArchitectureTest {
    private static JavaClasses production;

    @BeforeAll
    static void importProductionClasses() {
        production = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.concordkv");
    }

    @Test
    void modulesImportOnlyTheLayersBelowThem() {
        LayerRules.layering("io.concordkv").check(production);
    }

    @Test
    void noModuleUsesAnotherModulesInternals() {
        LayerRules.internalsStayInside("io.concordkv").check(production);
    }

    @Test
    void storageDependsOnNoProtocolLibrary() {
        LayerRules.storageHasNoNetworkStack("io.concordkv").check(production);
    }

    @Test
    void everyModuleOfTheBuildIsOnThisTestsClasspath() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> modules;
        try (Stream<Path> dirs = Files.list(root)) {
            modules = dirs.filter(d -> d.getFileName().toString().startsWith("concordkv-"))
                .filter(d -> Files.isDirectory(d.resolve("src/main/java")))
                .map(d -> d.getFileName().toString().substring("concordkv-".length()))
                .toList();
        }
        assertThat(modules).isNotEmpty();
        assertThat(LayerRules.MODULES).as("modules known to the layer rules").containsAll(modules);
        for (String module : modules) {
            assertThat(production.stream().anyMatch(c -> (c.getPackageName() + ".").startsWith("io.concordkv." + module
                + ".")))
                .as("classes of concordkv-%s imported (add it as a dependency of concordkv-it)", module)
                .isTrue();
        }
    }

    @Test
    void theLayerRuleCatchesALowerLayerImportingAHigherOne() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.concordkv.archfixture");
        assertThat(fixture.containPackage("io.concordkv.archfixture.storage")).isTrue();
        assertThatThrownBy(() -> LayerRules.layering("io.concordkv.archfixture").check(fixture))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("BadStorageCode")
            .hasMessageContaining("TxnThing");
    }

    @Test
    void theInternalsRuleCatchesAnImportOfAnotherModulesInternals() {
        JavaClasses fixture = new ClassFileImporter().importPackages("io.concordkv.archfixture");
        assertThatThrownBy(() -> LayerRules.internalsStayInside("io.concordkv.archfixture").check(fixture))
            .isInstanceOf(AssertionError.class)
            .hasMessageContaining("HiddenEngine");
    }
}
