package io.concordkv.cli;

import io.concordkv.bench.BankWorkload;
import io.concordkv.bench.TxnLoad;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.txn.ConcurrencyMode;
import io.concordkv.txn.Isolation;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code concordkv bench bank|txn|deadlock|footprint}: measurements of the transaction layer. */
final class BenchTxnCommands {
    private BenchTxnCommands() {
    }

    /** Options both commands share. */
    abstract static class TxnOptionsMixin {
        @Spec
        CommandSpec spec;
        @Option(names = "--engine", defaultValue = "rbtree", description = "engine (default: ${DEFAULT-VALUE})")
        String engine;
        @Option(names = "--fsync", defaultValue = "batch", description = "always, batch or never (default: ${DEFAULT-VALUE})")
        String fsync;
        @Option(names = "--isolation", defaultValue = "SERIALIZABLE",
            description = "READ_COMMITTED, REPEATABLE_READ or SERIALIZABLE (default: ${DEFAULT-VALUE})")
        String isolation;
        @Option(names = "--mode", defaultValue = "optimistic", description = "optimistic or pessimistic (default: ${DEFAULT-VALUE})")
        String mode;
        @Option(names = "--threads", defaultValue = "2", description = "client threads (default: ${DEFAULT-VALUE})")
        int threads;
        @Option(names = "--seconds", defaultValue = "5", description = "duration (default: ${DEFAULT-VALUE})")
        double seconds;
        @Option(names = "--seed", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
        long seed;
        @Option(names = "--dir", description = "parent of the temporary store directory (default: the system's)")
        Path dir;

        <E extends Enum<E>> E parse(Class<E> type, String name, String text) {
            try {
                return Enum.valueOf(type, text.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), "unknown " + name + " '" + text + "'");
            }
        }

        Duration duration() {
            if (threads < 1 || threads > 1024 || seconds <= 0 || seconds > 3600) {
                throw new ParameterException(spec.commandLine(), "need --threads 1..1024 and --seconds in (0, 3600]");
            }
            return Duration.ofMillis(Math.round(seconds * 1000));
        }

        void print(Map<String, Object> row) throws Exception {
            BenchStoreCommands.print(spec, row);
        }
    }

    @Command(name = "bank", mixinStandardHelpOptions = true,
        description = "The bank workload: concurrent transfers and joint-account withdrawals; prints one JSON line "
            + "with commits, aborts, commits_per_sec and invariant_ok.")
    static final class Bank extends TxnOptionsMixin implements Callable<Integer> {
        @Option(names = "--accounts", defaultValue = "100", description = "accounts, an even number (default: ${DEFAULT-VALUE})")
        int accounts;

        @Override
        public Integer call() throws Exception {
            if (accounts < 2 || accounts % 2 != 0) {
                throw new ParameterException(spec.commandLine(), "--accounts must be an even number >= 2");
            }
            Map<String, Object> row = BankWorkload.run(new BankWorkload.Config(engine,
                parse(FsyncPolicy.class, "fsync policy", fsync), parse(Isolation.class, "isolation", isolation),
                parse(ConcurrencyMode.class, "mode", mode), accounts, threads, duration(), seed), dir);
            print(row);
            return Boolean.TRUE.equals(row.get("invariant_ok")) ? 0 : 1;
        }
    }

    @Command(name = "deadlock", mixinStandardHelpOptions = true,
        description = "Deadlock detection latency: cycles of --size transactions, --rounds times; prints one JSON line.")
    static final class Deadlock implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--size", defaultValue = "2", description = "transactions per cycle, 2..16 (default: ${DEFAULT-VALUE})")
        int size;
        @Option(names = "--rounds", defaultValue = "200", description = "cycles, 1..100000 (default: ${DEFAULT-VALUE})")
        int rounds;
        @Option(names = "--dir", description = "parent of the temporary store directory (default: the system's)")
        Path dir;

        @Override
        public Integer call() throws Exception {
            if (size < 2 || size > 16 || rounds < 1 || rounds > 100_000) {
                throw new ParameterException(spec.commandLine(), "need --size 2..16 and --rounds 1..100000");
            }
            BenchStoreCommands.print(spec, io.concordkv.bench.DeadlockBench.run(size, rounds, dir));
            return 0;
        }
    }

    @Command(name = "txn", mixinStandardHelpOptions = true,
        description = "Single-key uncontended transactions (get, put, commit); prints one JSON line.")
    static final class Txn extends TxnOptionsMixin implements Callable<Integer> {
        @Option(names = "--keys", defaultValue = "100000", description = "key space (default: ${DEFAULT-VALUE})")
        int keys;
        @Option(names = "--warmup", defaultValue = "2",
            description = "seconds run unmeasured before the measured --seconds (default: ${DEFAULT-VALUE})")
        double warmup;

        @Override
        public Integer call() throws Exception {
            if (warmup < 0 || warmup > 600) {
                throw new ParameterException(spec.commandLine(), "need --warmup in [0, 600]");
            }
            print(TxnLoad.run(engine, parse(FsyncPolicy.class, "fsync policy", fsync),
                parse(Isolation.class, "isolation", isolation), parse(ConcurrencyMode.class, "mode", mode), threads,
                Math.max(1, keys), Duration.ofMillis(Math.round(warmup * 1000)), duration(), seed, dir));
            return 0;
        }
    }

    @Command(name = "footprint", mixinStandardHelpOptions = true,
        description = "Heap the MVCC store takes per key (16-byte keys, each put once, no history, no log); "
            + "prints one JSON line. Run it alone in its JVM: it forces full collections.")
    static final class Footprint implements Callable<Integer> {
        @Spec
        CommandSpec spec;
        @Option(names = "--engine", defaultValue = "rbtree", description = "engine (default: ${DEFAULT-VALUE})")
        String engine;
        @Option(names = "--keys", defaultValue = "1000000", description = "keys, 1..50000000 (default: ${DEFAULT-VALUE})")
        int keys;
        @Option(names = "--value-size", defaultValue = "100", description = "value bytes, 1..1048576 (default: ${DEFAULT-VALUE})")
        int valueSize;
        @Option(names = "--dir", description = "parent of the temporary store directory (default: the system's)")
        Path dir;

        @Override
        public Integer call() throws Exception {
            if (keys < 1 || keys > 50_000_000 || valueSize < 1 || valueSize > 1 << 20) {
                throw new ParameterException(spec.commandLine(), "need --keys 1..50000000 and --value-size 1..1048576");
            }
            BenchStoreCommands.print(spec, io.concordkv.bench.MvccFootprint.run(engine, keys, valueSize, dir));
            return 0;
        }
    }
}
