package io.concordkv.cli;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.SnapshotInfo;
import io.concordkv.storage.StoreStats;
import io.concordkv.storage.StoreVerifier;
import io.concordkv.storage.fs.FileIo;
import io.concordkv.storage.log.CompactionResult;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** The subcommands of {@code concordkv local}. */
final class LocalCommands {
    private LocalCommands() {
    }

    @Command(name = "put", mixinStandardHelpOptions = true, description = "Store a value under a key.")
    static final class Put implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;
        @Parameters(index = "0", description = "key")
        String key;
        @Parameters(index = "1", description = "value")
        String value;

        @Override
        public Integer call() {
            return local.withStore(store -> {
                store.put(local.decode(key), local.decode(value));
                return 0;
            });
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Print a key's value; exit 1 when absent.")
    static final class Get implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;
        @Parameters(index = "0", description = "key")
        String key;

        @Override
        public Integer call() {
            return local.withStore(store -> {
                Optional<Bytes> value = store.get(local.decode(key));
                value.ifPresent(v -> local.out().println(local.encode(v)));
                return value.isPresent() ? 0 : 1;
            });
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Remove a key.")
    static final class Delete implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;
        @Parameters(index = "0", description = "key")
        String key;

        @Override
        public Integer call() {
            return local.withStore(store -> {
                store.delete(local.decode(key));
                return 0;
            });
        }
    }

    @Command(name = "scan", mixinStandardHelpOptions = true,
        description = "Print keys and values (key<TAB>value), in key order.")
    static final class Scan implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;
        @Option(names = "--from", description = "first key (inclusive)")
        String from;
        @Option(names = "--to", description = "end key (exclusive)")
        String to;
        @Option(names = "--prefix", description = "only keys with this prefix")
        String prefix;
        @Option(names = "--limit", defaultValue = "0", description = "at most this many (0: all)")
        int limit;
        @Option(names = "--reverse", description = "descending order")
        boolean reverse;

        @Override
        public Integer call() {
            return local.withStore(store -> {
                ScanRange range = prefix != null ? ScanRange.prefix(local.decode(prefix))
                    : to != null ? ScanRange.between(from == null ? Bytes.EMPTY : local.decode(from), local.decode(to))
                    : ScanRange.from(from == null ? Bytes.EMPTY : local.decode(from));
                range = range.withLimit(limit);
                for (KeyValue kv : store.scan(reverse ? range.reversed() : range)) {
                    local.out().println(local.encode(kv.key()) + "\t" + local.encode(kv.value()));
                }
                return 0;
            });
        }
    }

    @Command(name = "stats", mixinStandardHelpOptions = true, description = "Print the store's figures.")
    static final class Stats implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;

        @Override
        public Integer call() {
            return local.withStore(store -> {
                StoreStats s = store.stats();
                local.out().printf("keys %d%ndata_bytes %d%nlog_segments %d%nlog_records %d%nlog_bytes %d%n",
                    s.keys(), s.dataBytes(), s.logSegments(), s.logRecords(), s.logBytes());
                store.recoveryReport().events().forEach(e -> local.out().println("recovery " + e));
                return 0;
            });
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
        description = "Verify every checksum; print problems with file and offset; exit 1 on corruption.")
    static final class Check implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;

        @Override
        public Integer call() throws IOException {
            StoreVerifier.Report report = StoreVerifier.verify(local.dataDir, FileIo.disk());
            report.notes().forEach(n -> local.out().println("note: " + n));
            report.problems().forEach(p -> local.out().println("CORRUPT: " + p));
            local.out().printf("checked %d log records and %d snapshot entries: %s%n", report.logRecords(),
                report.snapshotEntries(), report.ok() ? "ok" : report.problems().size() + " problem(s)");
            return report.ok() ? 0 : 1;
        }
    }

    @Command(name = "compact", mixinStandardHelpOptions = true,
        description = "Compact the log now, keeping each key's last operation.")
    static final class Compact implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;

        @Override
        public Integer call() {
            return local.withStore(store -> {
                CompactionResult r = store.compact();
                local.out().printf("compacted %d segments: %d -> %d records, %d -> %d bytes (%d saved)%n",
                    r.segmentsBefore(), r.recordsBefore(), r.recordsAfter(), r.bytesBefore(), r.bytesAfter(),
                    r.bytesSaved());
                return 0;
            });
        }
    }

    @Command(name = "snapshot", mixinStandardHelpOptions = true,
        description = "Write a snapshot (full, or incremental after a full one) and drop the log it covers.")
    static final class Snapshot implements Callable<Integer> {
        @ParentCommand
        LocalCommand local;

        @Override
        public Integer call() {
            return local.withStore(store -> {
                SnapshotInfo s = store.snapshot();
                local.out().printf("%s snapshot at index %d: %d entries, %d bytes; %d log segments dropped%n",
                    s.full() ? "full" : "incremental", s.index(), s.entries(), s.bytes(), s.segmentsDropped());
                return 0;
            });
        }
    }
}
