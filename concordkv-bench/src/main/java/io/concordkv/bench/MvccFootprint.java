package io.concordkv.bench;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStore;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Heap an MVCC store takes per key: {@code keys} keys of 16 bytes, each put once with a value of
 * its own, no history, fsync {@code off} (no log); the heap in use after full collections, before
 * and after the load, divided by the keys. A measure of the layout, for comparisons on one JVM,
 * not of a server's footprint.
 */
public final class MvccFootprint {
    private MvccFootprint() {
    }

    public static Map<String, Object> run(String engine, int keys, int valueBytes, Path parent) throws Exception {
        Path dir = BenchTargets.tempDir(parent);
        KeySpace space = new KeySpace(keys, 42);
        try {
            long before = heapInUse();
            long after;
            try (MvccStore store = MvccStore.open(dir, MvccOptions.defaults(StoreOptions.defaults(engine)
                .withFsync(FsyncPolicy.OFF)).withRetainRevisions(0))) {
                for (int i = 0; i < keys; i++) {
                    byte[] value = new byte[valueBytes];
                    value[0] = (byte) i;
                    store.put(Bytes.copyOf(space.key(i).unsafeArray()), Bytes.wrap(value));
                }
                after = heapInUse();
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("engine", engine);
            row.put("keys", keys);
            row.put("key_bytes", space.key(0).length());
            row.put("value_bytes", valueBytes);
            row.put("heap_bytes", after - before);
            row.put("bytes_per_key", Math.round((after - before) / (double) keys * 10) / 10.0);
            return row;
        } finally {
            BenchTargets.deleteTree(dir);
        }
    }

    private static long heapInUse() throws InterruptedException {
        Runtime r = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        // collections until the figure stops falling: the garbage of the load is gone
        for (int i = 0; i < 10; i++) {
            System.gc();
            Thread.sleep(50);
            long now = r.totalMemory() - r.freeMemory();
            if (now >= used) {
                return Math.min(now, used);
            }
            used = now;
        }
        return used;
    }
}
