package io.concordkv.it.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;

import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.CompositeArchRule;
import java.util.ArrayList;
import java.util.List;

/**
 * The dependency rules of ARCHITECTURE.md as ArchUnit rules over a root package, so the same
 * rules run over ConcordKV ({@code io.concordkv}) and over a fixture that breaks them.
 *
 * <p>Direction: api &lt;- storage &lt;- txn &lt;- raft &lt;- cluster &lt;- server. The client sees only
 * api; the CLI may use anything below it but never another module's {@code internal} package;
 * bench measures storage, txn and the client; check (the history checkers) is for tests only, used by
 * no module's production code. Layers that do not exist yet are optional.
 */
final class LayerRules {
    /** Every module's top package, by the module's name without {@code concordkv-}. */
    static final List<String> MODULES =
        List.of("api", "storage", "txn", "raft", "cluster", "server", "client", "cli", "bench", "check");

    private LayerRules() {
    }

    static ArchRule layering(String root) {
        return layeredArchitecture().consideringOnlyDependenciesInLayers()
            .withOptionalLayers(true)
            .layer("api").definedBy(root + ".api..")
            .layer("storage").definedBy(root + ".storage..")
            .layer("txn").definedBy(root + ".txn..")
            .layer("raft").definedBy(root + ".raft..")
            .layer("cluster").definedBy(root + ".cluster..")
            .layer("server").definedBy(root + ".server..")
            .layer("client").definedBy(root + ".client..")
            .layer("bench").definedBy(root + ".bench..")
            .layer("cli").definedBy(root + ".cli..")
            .layer("check").definedBy(root + ".check..")
            .whereLayer("api").mayNotAccessAnyLayer()
            .whereLayer("check").mayNotAccessAnyLayer()
            .whereLayer("check").mayNotBeAccessedByAnyLayer()
            .whereLayer("storage").mayOnlyAccessLayers("api")
            .whereLayer("txn").mayOnlyAccessLayers("api", "storage")
            .whereLayer("raft").mayOnlyAccessLayers("api", "storage", "txn")
            .whereLayer("cluster").mayOnlyAccessLayers("api", "storage", "txn", "raft")
            .whereLayer("server").mayOnlyAccessLayers("api", "storage", "txn", "raft", "cluster")
            .whereLayer("client").mayOnlyAccessLayers("api")
            .whereLayer("bench").mayOnlyAccessLayers("api", "storage", "txn", "client")
            .whereLayer("cli").mayOnlyAccessLayers("api", "storage", "txn", "raft", "cluster", "server",
                "client", "bench")
            .because("a module may import only the layers below it (ARCHITECTURE.md)");
    }

    /** No module reaches into another module's {@code internal} package. */
    static ArchRule internalsStayInside(String root) {
        List<ArchRule> rules = new ArrayList<>();
        for (String module : MODULES) {
            rules.add(noClasses().that().resideOutsideOfPackage(root + "." + module + "..")
                .should().dependOnClassesThat().resideInAPackage(root + "." + module + ".internal..")
                .allowEmptyShould(true)
                .because(module + ".internal is that module's implementation, not an API"));
        }
        return CompositeArchRule.of(rules);
    }

    /** Storage knows nothing of consensus or protocols. */
    static ArchRule storageHasNoNetworkStack(String root) {
        return noClasses().that().resideInAPackage(root + ".storage..")
            .should().dependOnClassesThat().resideInAnyPackage("io.grpc..", "io.netty..", "com.google.protobuf..")
            .allowEmptyShould(true)
            .because("storage is below every protocol");
    }
}
