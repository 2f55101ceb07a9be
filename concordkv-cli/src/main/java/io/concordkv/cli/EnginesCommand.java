package io.concordkv.cli;

import io.concordkv.storage.EngineConfig;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.StorageEngines;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** Lists the storage engines and whether each is ordered. */
@Command(name = "engines", mixinStandardHelpOptions = true,
    description = "List the storage engines and their properties.")
final class EnginesCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        for (String name : StorageEngines.names()) {
            String ordered = switch (name) {
                case StorageEngines.LSM -> "ordered, on disk (RocksDB)";
                default -> {
                    try (StorageEngine engine = StorageEngines.open(EngineConfig.of(name))) {
                        yield engine.isOrdered() ? "ordered, in memory" : "unordered, in memory (scans sort)";
                    }
                }
            };
            spec.commandLine().getOut().printf("%-7s %s%n", name, ordered);
        }
        return 0;
    }
}
