package io.concordkv.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;

/**
 * Compaction and snapshots running beside a writer lose nothing: after any sequence of puts,
 * deletes and range deletes, with a second thread compacting the log and taking snapshots
 * throughout, the store matches a {@link TreeMap} model, before and after a reopen, on the ordered
 * engines and the unordered one. jqwik prints the seed of each run.
 */
class KvStoreModelProperties {

    @Property(tries = 25)
    void compactionAndSnapshotsUnderWritesLoseNothing(@ForAll("writes") List<int[]> writes,
                                                      @ForAll("engines") String engine) throws Exception {
        Path dir = Files.createTempDirectory("concordkv-store-model");
        StoreOptions options = StoreOptions.defaults(engine).withFsync(FsyncPolicy.NEVER).withSegmentBytes(2048)
            .withCompactionTrigger(50, 1 << 20).withMaxSnapshotChain(2);
        TreeMap<Bytes, Bytes> model = new TreeMap<>();
        try {
            try (KvStore store = KvStore.open(dir, options)) {
                AtomicBoolean done = new AtomicBoolean();
                CompletableFuture<Void> maintenance = CompletableFuture.runAsync(() -> {
                    int round = 0;
                    while (!done.get()) {
                        if (round++ % 2 == 0) {
                            store.compact();
                        } else {
                            store.snapshot();
                        }
                    }
                });
                for (int[] w : writes) {
                    Bytes key = Bytes.utf8("key" + w[0]);
                    if (w[1] == RANGE) {
                        Bytes other = Bytes.utf8("key" + w[2]);
                        if (key.equals(other)) {
                            continue;
                        }
                        Bytes from = key.compareTo(other) < 0 ? key : other;
                        Bytes to = key.compareTo(other) < 0 ? other : key;
                        store.write(WriteBatch.builder().deleteRange(from, to).build());
                        model.subMap(from, to).clear();
                    } else if (w[1] < 0) {
                        store.delete(key);
                        model.remove(key);
                    } else {
                        Bytes value = Bytes.utf8("value" + w[1]);
                        store.put(key, value);
                        model.put(key, value);
                    }
                }
                done.set(true);
                maintenance.get(60, TimeUnit.SECONDS);
                assertMatches(store, model);
            }
            try (KvStore store = KvStore.open(dir, options)) {
                assertMatches(store, model);
            }
        } finally {
            deleteTree(dir);
        }
    }

    /** A write's value: a range delete from its key to the key of its third field. */
    private static final int RANGE = -2;

    @Provide
    Arbitrary<List<int[]>> writes() {
        Arbitrary<int[]> write = Arbitraries.integers().between(0, 30)
            .flatMap(key -> Arbitraries.frequencyOf(
                    Tuple.of(30, Arbitraries.integers().between(-1, 1000)), Tuple.of(1, Arbitraries.just(RANGE)))
                .flatMap(v -> Arbitraries.integers().between(0, 30).map(other -> new int[] {key, v, other})));
        return write.list().ofMinSize(50).ofMaxSize(400);
    }

    @Provide
    Arbitrary<String> engines() {
        return Arbitraries.of("hash", "rbtree", "array");
    }

    private static void assertMatches(KvStore store, TreeMap<Bytes, Bytes> model) {
        List<KeyValue> expected = model.entrySet().stream().map(e -> new KeyValue(e.getKey(), e.getValue())).toList();
        assertThat(store.scan(ScanRange.all())).containsExactlyElementsOf(expected);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
