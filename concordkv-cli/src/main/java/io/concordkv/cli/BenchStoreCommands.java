package io.concordkv.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.concordkv.bench.StoreLoad;
import io.concordkv.bench.StoreRecoveryBench;
import io.concordkv.storage.FsyncPolicy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code concordkv bench store|recovery|compaction}: measurements of the embedded durable store. */
final class BenchStoreCommands {
    private BenchStoreCommands() {
    }

    /** Prints {@code row} as one JSON line on the command's output. */
    static void print(CommandSpec spec, Map<String, Object> row) throws JsonProcessingException {
        spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(row));
        spec.commandLine().getOut().flush();
    }

    @Command(name = "store", mixinStandardHelpOptions = true,
        description = "Durable writes (16-byte keys, 100-byte values) for a fixed time; prints one JSON line.")
    static final class Store implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--engine", defaultValue = "rbtree", description = "engine (default: ${DEFAULT-VALUE})")
        String engine;
        @Option(names = "--fsync", defaultValue = "always", description = "always, batch or never (default: ${DEFAULT-VALUE})")
        String fsync;
        @Option(names = "--threads", defaultValue = "1", description = "writer threads (default: ${DEFAULT-VALUE})")
        int threads;
        @Option(names = "--keys", defaultValue = "100000", description = "key space (default: ${DEFAULT-VALUE})")
        int keys;
        @Option(names = "--seconds", defaultValue = "5", description = "measured duration (default: ${DEFAULT-VALUE})")
        double seconds;
        @Option(names = "--warmup", defaultValue = "2",
            description = "seconds run unmeasured before the measured --seconds (default: ${DEFAULT-VALUE})")
        double warmup;
        @Option(names = "--dir", description = "parent of the temporary store directory (default: the system's)")
        Path dir;

        @Override
        public Integer call() throws Exception {
            if (threads < 1 || threads > 1024 || keys < 1 || seconds <= 0 || seconds > 3600 || warmup < 0 || warmup > 600) {
                throw new ParameterException(spec.commandLine(),
                    "need --threads 1..1024, --keys >= 1, --seconds in (0, 3600], --warmup in [0, 600]");
            }
            FsyncPolicy policy;
            try {
                policy = FsyncPolicy.valueOf(fsync.toUpperCase());
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "--fsync must be always, batch or never");
            }
            print(spec, StoreLoad.run(engine, policy, threads, keys,
                Duration.ofMillis(Math.round(warmup * 1000)), Duration.ofMillis(Math.round(seconds * 1000)), 42, dir));
            return 0;
        }
    }

    @Command(name = "recovery", mixinStandardHelpOptions = true,
        description = "Load keys, snapshot, write a log tail, reopen: prints the recovery time as JSON.")
    static final class Recovery implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--engine", defaultValue = "rbtree", description = "engine (default: ${DEFAULT-VALUE})")
        String engine;
        @Option(names = "--keys", defaultValue = "1000000", description = "keys in the snapshot (default: ${DEFAULT-VALUE})")
        int keys;
        @Option(names = "--tail", defaultValue = "100000", description = "writes after the snapshot (default: ${DEFAULT-VALUE})")
        int tail;
        @Option(names = "--dir", description = "parent of the temporary store directory (default: the system's)")
        Path dir;

        @Override
        public Integer call() throws Exception {
            print(spec, StoreRecoveryBench.recovery(engine, keys, Math.min(tail, keys), dir));
            return 0;
        }
    }

    @Command(name = "compaction", mixinStandardHelpOptions = true,
        description = "Overwrite-heavy writes, then one compaction: prints the space saved as JSON.")
    static final class Compaction implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--engine", defaultValue = "rbtree", description = "engine (default: ${DEFAULT-VALUE})")
        String engine;
        @Option(names = "--keys", defaultValue = "10000", description = "distinct keys (default: ${DEFAULT-VALUE})")
        int keys;
        @Option(names = "--writes", defaultValue = "30000", description = "puts over those keys (default: ${DEFAULT-VALUE})")
        int writes;
        @Option(names = "--dir", description = "parent of the temporary store directory (default: the system's)")
        Path dir;

        @Override
        public Integer call() throws Exception {
            print(spec, StoreRecoveryBench.compaction(engine, keys, writes, dir));
            return 0;
        }
    }
}
