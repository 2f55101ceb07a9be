package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.LocalTimestampSource;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** History compaction on a store without a log, where a put makes its version over the one it replaces. */
class HistoryCompactorTest {
    @TempDir
    Path dir;

    /**
     * Each put holds the version it replaced until settled; compaction settles the versions whose
     * predecessors it drops, so a dropped version is held by nothing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"hash", "rbtree"})
    void compactionSettlesTheVersionsItDropsSoNoChainOutlivesHistory(String engine) {
        VersionedEngine[] versions = new VersionedEngine[1];
        StoreOptions options = StoreOptions.defaults(engine).withFsync(FsyncPolicy.OFF);
        try (KvStore store = KvStore.open(dir, options, e -> versions[0] = new VersionedEngine(e))) {
            StoreOpening.prepare(store);
            LocalTimestampSource timestamps = new LocalTimestampSource();
            timestamps.advancePast(Math.max(1, StoreOpening.lastRevision(store)));
            CommitSequencer sequencer = new CommitSequencer(store, versions[0], timestamps, 0);
            assertThat(sequencer.writesDirectly()).isTrue();
            HistoryCompactor compactor = new HistoryCompactor(store, sequencer);
            Bytes key = Bytes.utf8("k");

            long[] revisions = new long[4];
            for (int i = 0; i < revisions.length; i++) {
                revisions[i] = sequencer.put(key, Bytes.utf8("v" + i), 0).revision();
            }
            VersionRecord v4 = versions[0].latest(key);
            VersionRecord v3 = v4.heldReplaced();
            VersionRecord v2 = v3.heldReplaced();
            assertThat(v2.heldReplaced()).as("the first version, held by the second").isNotNull();

            // drops the first two versions (replaced at the second and third revisions)
            compactor.advance(revisions[2]);
            compactor.drop(revisions[2]);

            assertThat(v4.heldReplaced()).as("the third version is still in history").isSameAs(v3);
            assertThat(v3.heldReplaced()).as("settled: the second version, dropped, is held by nothing").isNull();
            assertThat(v2.heldReplaced()).as("settled: the first version, dropped, is held by nothing").isNull();
            assertThat(v2.version()).isEqualTo(2);
            assertThat(v3.prevRevision()).isEqualTo(revisions[1]);
            assertThat(v4.version()).isEqualTo(4);
            assertThat(v4.createRevision()).isEqualTo(revisions[0]);
            assertThat(v4.prevRevision()).isEqualTo(revisions[2]);
            assertThat(v4.heldReplaced()).as("settled when asked").isNull();
        }
    }
}
