package io.concordkv.bench;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.SnapshotInfo;
import io.concordkv.storage.StoreOptions;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.log.CompactionResult;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Two one-shot measurements of the embedded store:
 * <ul>
 *   <li>{@link #recovery}: load {@code keys} keys (100-byte values), take a full snapshot, write
 *       {@code tailWrites} more into the log, close, and time the reopen (snapshot plus log);</li>
 *   <li>{@link #compaction}: an overwrite-heavy workload ({@code writes} puts over {@code keys}
 *       keys), then one compaction, reporting the space it saved.</li>
 * </ul>
 * Both work in a temporary directory under {@code parent}, deleted afterwards.
 */
public final class StoreRecoveryBench {
    private StoreRecoveryBench() {
    }

    public static Map<String, Object> recovery(String engine, int keys, int tailWrites, Path parent) {
        KeySpace space = new KeySpace(keys, 7);
        Path dir = BenchTargets.tempDir(parent);
        StoreOptions options = StoreOptions.defaults(engine).withFsync(FsyncPolicy.NEVER);
        try {
            SnapshotInfo snapshot;
            try (KvStore store = KvStore.open(dir, options)) {
                load(store, space, 0, keys);
                snapshot = store.snapshot();
                load(store, space, 0, tailWrites);
            }
            long start = System.nanoTime();
            long recovered;
            try (KvStore store = KvStore.open(dir, options)) {
                recovered = store.stats().keys();
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("engine", engine);
            row.put("keys", recovered);
            row.put("snapshot_entries", snapshot.entries());
            row.put("snapshot_bytes", snapshot.bytes());
            row.put("log_records", tailWrites / 100);
            row.put("recovery_ms", (System.nanoTime() - start) / 1_000_000);
            return row;
        } finally {
            BenchTargets.deleteTree(dir);
        }
    }

    public static Map<String, Object> compaction(String engine, int keys, int writes, Path parent) {
        KeySpace space = new KeySpace(keys, 11);
        Path dir = BenchTargets.tempDir(parent);
        StoreOptions options = StoreOptions.defaults(engine).withFsync(FsyncPolicy.NEVER)
            .withCompactionTrigger(Long.MAX_VALUE / 4, Long.MAX_VALUE / 4);
        try (KvStore store = KvStore.open(dir, options)) {
            SplittableRandom random = new SplittableRandom(11);
            for (int i = 0; i < writes; i++) {
                store.put(space.key(random.nextInt(keys)), space.value());
            }
            long start = System.nanoTime();
            CompactionResult r = store.compact();
            long nanos = System.nanoTime() - start;
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("engine", engine);
            row.put("keys", keys);
            row.put("writes", writes);
            row.put("log_bytes_before", r.bytesBefore());
            row.put("log_bytes_after", r.bytesAfter());
            row.put("saved_percent", StoreLoad.round(100.0 * r.bytesSaved() / Math.max(1, r.bytesBefore())));
            row.put("compaction_ms", StoreLoad.round(nanos / 1e6));
            row.put("records_per_sec", Math.round(r.recordsBefore() / (nanos / 1e9)));
            return row;
        } finally {
            BenchTargets.deleteTree(dir);
        }
    }

    /** Writes keys {@code from..to-1} in batches of 100 (one log record each). */
    private static void load(KvStore store, KeySpace space, int from, int to) {
        for (int i = from; i < to; i += 100) {
            WriteBatch.Builder batch = WriteBatch.builder();
            for (int j = i; j < Math.min(to, i + 100); j++) {
                Bytes key = space.key(j);
                batch.put(key, space.value());
            }
            store.write(batch.build());
        }
    }
}
