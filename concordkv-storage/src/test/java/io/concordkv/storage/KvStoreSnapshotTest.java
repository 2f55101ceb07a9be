package io.concordkv.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.api.io.TempDir;

class KvStoreSnapshotTest {
    @TempDir
    Path dir;

    private StoreOptions options() {
        return StoreOptions.defaults("rbtree").withFsync(FsyncPolicy.NEVER).withSegmentBytes(4096)
            .withMaxSnapshotChain(2);
    }

    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private List<String> snapshotFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir.resolve("snapshots"))) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertSame(KvStore store, TreeMap<Bytes, Bytes> model) {
        List<KeyValue> expected = model.entrySet().stream().map(e -> new KeyValue(e.getKey(), e.getValue())).toList();
        assertThat(store.scan(ScanRange.all())).containsExactlyElementsOf(expected);
    }

    @Test
    void fullSnapshotDropsCoveredLogSegmentsAndRecoveryUsesIt() {
        TreeMap<Bytes, Bytes> model = new TreeMap<>();
        try (KvStore store = KvStore.open(dir, options())) {
            for (int i = 0; i < 500; i++) {
                store.put(b("k" + i), b("v" + i));
                model.put(b("k" + i), b("v" + i));
            }
            int segmentsBefore = store.stats().logSegments();
            SnapshotInfo info = store.snapshot();
            assertThat(info.full()).isTrue();
            assertThat(info.entries()).isEqualTo(500);
            assertThat(info.segmentsDropped()).isEqualTo(segmentsBefore);
            assertThat(store.stats().logSegments()).isEqualTo(1);
            store.put(b("after"), b("x"));
            model.put(b("after"), b("x"));
        }
        try (KvStore store = KvStore.open(dir, options())) {
            assertSame(store, model);
        }
    }

    @Test
    void incrementalSnapshotsHoldOnlyChangedKeysAndChainUntilTheLimit() throws IOException {
        TreeMap<Bytes, Bytes> model = new TreeMap<>();
        try (KvStore store = KvStore.open(dir, options())) {
            for (int i = 0; i < 100; i++) {
                store.put(b("k" + i), b("v"));
                model.put(b("k" + i), b("v"));
            }
            assertThat(store.snapshot().full()).isTrue();
            store.put(b("k1"), b("changed"));
            model.put(b("k1"), b("changed"));
            store.delete(b("k2"));
            model.remove(b("k2"));
            store.put(b("new"), b("n"));
            model.put(b("new"), b("n"));
            SnapshotInfo second = store.snapshot();
            assertThat(second.full()).isFalse();
            assertThat(second.entries()).isEqualTo(3);
            store.delete(b("new"));
            model.remove(b("new"));
            SnapshotInfo third = store.snapshot();
            assertThat(third.full()).isFalse();
            assertThat(third.entries()).isEqualTo(1);
            assertThat(snapshotFiles()).hasSize(3);
        }
        try (KvStore store = KvStore.open(dir, options())) {
            assertSame(store, model);
            store.put(b("k3"), b("x"));
            model.put(b("k3"), b("x"));
            // the chain holds 2 incrementals (the limit): the next snapshot is full and replaces it
            assertThat(store.snapshot().full()).isTrue();
            assertThat(snapshotFiles()).hasSize(1);
        }
        try (KvStore store = KvStore.open(dir, options())) {
            assertSame(store, model);
        }
    }

    /** Regression: keys changed before a restart were missing from the next incremental snapshot. */
    @Test
    void incrementalSnapshotIncludesChangesMadeBeforeARestart() {
        try (KvStore store = KvStore.open(dir, options())) {
            store.put(b("a"), b("1"));
            store.snapshot();
            store.put(b("b"), b("2"));
        }
        try (KvStore store = KvStore.open(dir, options())) {
            store.put(b("c"), b("3"));
            SnapshotInfo info = store.snapshot();
            assertThat(info.full()).isFalse();
            assertThat(info.entries()).isEqualTo(2);
        }
        try (KvStore store = KvStore.open(dir, options())) {
            assertThat(store.scan(ScanRange.all())).hasSize(3);
        }
    }

    /** Regression: a full snapshot at the index of the previous full one deleted itself. */
    @Test
    void repeatedSnapshotsWithoutWritesKeepTheData() throws IOException {
        try (KvStore store = KvStore.open(dir, options().withMaxSnapshotChain(0))) {
            store.put(b("k"), b("v"));
            assertThat(store.snapshot().full()).isTrue();
            assertThat(store.snapshot().full()).isTrue();
            assertThat(snapshotFiles()).hasSize(1);
        }
        try (KvStore store = KvStore.open(dir, options())) {
            assertThat(store.get(b("k"))).contains(b("v"));
        }
    }

    @Test
    void corruptSnapshotFailsOpenWithFileAndOffset() throws IOException {
        try (KvStore store = KvStore.open(dir, options())) {
            for (int i = 0; i < 50; i++) {
                store.put(b("k" + i), b("v" + i));
            }
            store.snapshot();
        }
        Path snapshot = dir.resolve("snapshots").resolve(snapshotFiles().get(0));
        try (RandomAccessFile f = new RandomAccessFile(snapshot.toFile(), "rw")) {
            f.seek(200);
            int v = f.read();
            f.seek(200);
            f.write(v ^ 1);
        }
        assertThatThrownBy(() -> KvStore.open(dir, options()))
            .isInstanceOfSatisfying(KvException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTION);
                assertThat(e.getMessage()).contains(snapshot.getFileName().toString());
            });
    }

    @Test
    void salvageLeavesOutADamagedSnapshotKeepsTheRestAndSaysSo() throws IOException {
        try (KvStore store = KvStore.open(dir, options())) {
            for (int i = 0; i < 50; i++) {
                store.put(b("old" + i), b("v"));
            }
            store.snapshot();                       // full: the old keys
            store.put(b("old0"), b("changed"));
            store.put(b("mid"), b("v"));
            store.snapshot();                       // incremental: old0 and mid
            store.put(b("tail"), b("v"));           // the log tail
        }
        Path full = dir.resolve("snapshots").resolve(snapshotFiles().stream().filter(n -> n.endsWith(".full"))
            .findFirst().orElseThrow());
        try (RandomAccessFile f = new RandomAccessFile(full.toFile(), "rw")) {
            f.seek(200);
            int v = f.read();
            f.seek(200);
            f.write(v ^ 1);
        }
        assertThatThrownBy(() -> KvStore.open(dir, options())).isInstanceOf(KvException.class)
            .extracting(e -> ((KvException) e).code()).isEqualTo(ErrorCode.CORRUPTION);
        try (KvStore store = KvStore.open(dir, options().withSalvage(true))) {
            assertThat(store.get(b("old0"))).as("from the incremental snapshot").contains(b("changed"));
            assertThat(store.get(b("mid"))).contains(b("v"));
            assertThat(store.get(b("tail"))).as("from the log").contains(b("v"));
            assertThat(store.get(b("old1"))).as("only the damaged snapshot held it").isEmpty();
            assertThat(store.recoveryReport().events()).anySatisfy(e -> assertThat(e)
                .contains("salvage").contains(full.getFileName().toString()));
        }
        try (KvStore store = KvStore.open(dir, options())) {
            assertThat(store.get(b("old0"))).as("the salvage stuck: a fresh full snapshot replaced the chain")
                .contains(b("changed"));
            assertThat(store.get(b("tail"))).contains(b("v"));
        }
    }

    @Test
    void unfinishedSnapshotIsRemovedOnOpen() throws IOException {
        try (KvStore store = KvStore.open(dir, options())) {
            store.put(b("k"), b("v"));
        }
        Path temp = dir.resolve("snapshots").resolve("00000000000000000009.full.tmp");
        Files.write(temp, new byte[] {1, 2, 3});
        try (KvStore store = KvStore.open(dir, options())) {
            assertThat(store.get(b("k"))).contains(b("v"));
        }
        assertThat(temp).doesNotExist();
    }

    @Test
    void compactionAfterASnapshotKeepsDeletesThatTheSnapshotWouldResurrect() {
        try (KvStore store = KvStore.open(dir, options())) {
            store.put(b("doomed"), b("v"));
            store.snapshot();
            store.delete(b("doomed"));
            for (int i = 0; i < 200; i++) {
                store.put(b("filler" + (i % 5)), b("v" + i));
            }
            store.compact();
        }
        try (KvStore store = KvStore.open(dir, options())) {
            assertThat(store.get(b("doomed"))).isEmpty();
        }
    }

    /**
     * An incremental snapshot lists changed keys, and a range delete's keys are not known: the
     * snapshot after one is full, whether the range delete came before the snapshot in this
     * process or in the log replayed at open; and a compaction after it keeps the range delete
     * that the snapshot below would otherwise undo.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theSnapshotAfterARangeDeleteIsFull(boolean restartBetween) {
        try (KvStore store = KvStore.open(dir, options())) {
            for (String k : List.of("a1", "a2", "b1", "b2")) {
                store.put(b(k), b("v"));
            }
            assertThat(store.snapshot().full()).isTrue();
            store.write(WriteBatch.builder().deleteRange(b("a"), b("b")).build());
            store.put(b("c1"), b("v"));
            if (!restartBetween) {
                assertThat(store.snapshot().full()).as("after a range delete").isTrue();
                assertThat(store.snapshot().full()).as("the next one, with nothing deleted by range").isFalse();
            }
        }
        try (KvStore store = KvStore.open(dir, options())) {
            if (restartBetween) {
                assertThat(store.snapshot().full()).as("after a range delete replayed at open").isTrue();
            }
            assertThat(keys(store)).containsExactly("b1", "b2", "c1");
            store.write(WriteBatch.builder().deleteRange(b("b2"), b("c")).build());
            for (int i = 0; i < 200; i++) {
                store.put(b("filler" + (i % 5)), b("v" + i));
            }
            store.compact();
        }
        try (KvStore store = KvStore.open(dir, options())) {
            assertThat(keys(store)).containsExactly("b1", "c1", "filler0", "filler1", "filler2", "filler3", "filler4");
        }
    }

    /**
     * Regression: a write made while the store's first snapshot was being written (after its
     * capture, before the store began tracking changes) was in neither that snapshot nor the next,
     * incremental one, whose log segments were then deleted: it was lost at the next open.
     */
    @Test
    void aWriteMadeWhileTheFirstSnapshotIsWrittenIsInTheNextOne() {
        java.util.concurrent.atomic.AtomicReference<Runnable> duringSnapshotFile = new java.util.concurrent.atomic.AtomicReference<>();
        io.concordkv.storage.fs.FileIo disk = io.concordkv.storage.fs.FileIo.disk();
        io.concordkv.storage.fs.FileIo io = (io.concordkv.storage.fs.FileIo) java.lang.reflect.Proxy.newProxyInstance(
            getClass().getClassLoader(), new Class<?>[] {io.concordkv.storage.fs.FileIo.class}, (proxy, method, args) -> {
                if (method.getName().equals("openAppend") && args[0].toString().contains("snapshots")) {
                    Runnable hook = duringSnapshotFile.getAndSet(null);
                    if (hook != null) {
                        hook.run();
                    }
                }
                try {
                    return method.invoke(disk, args);
                } catch (java.lang.reflect.InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        StoreOptions options = options().withIo(io);
        try (KvStore store = KvStore.open(dir, options)) {
            store.put(b("before"), b("1"));
            duringSnapshotFile.set(() -> {
                store.put(b("during"), b("2"));
                store.write(WriteBatch.builder().deleteRange(b("before"), b("beforf")).build());
            });
            assertThat(store.snapshot().full()).isTrue();
            SnapshotInfo next = store.snapshot();
            assertThat(next.full()).as("full: a range delete came after the capture").isTrue();
            store.put(b("after"), b("3"));
            duringSnapshotFile.set(() -> store.put(b("during2"), b("4")));
            assertThat(store.snapshot().full()).isFalse();
            assertThat(store.snapshot().full()).isFalse();
        }
        try (KvStore store = KvStore.open(dir, options)) {
            assertThat(keys(store)).containsExactly("after", "during", "during2");
        }
    }

    private static List<String> keys(KvStore store) {
        return store.scan(ScanRange.all()).stream()
            .map(kv -> new String(kv.key().toByteArray(), java.nio.charset.StandardCharsets.UTF_8)).toList();
    }
}
