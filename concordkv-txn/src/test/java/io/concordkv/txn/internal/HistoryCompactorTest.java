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
    void compactionLeavesTheLatestVersionWholeWithTheFieldsItTookFromThoseItDrops(String engine) {
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

            // drops the first two versions (replaced at the second and third revisions)
            compactor.advance(revisions[2]);
            compactor.drop(revisions[2]);

            VersionRecord v3 = versions[0].history(MvccKeys.history(revisions[3], key));
            assertThat(v3).as("the third version is still in history").isNotNull();
            assertThat(versions[0].history(MvccKeys.history(revisions[2], key))).as("the second is dropped").isNull();
            assertThat(v3.version()).isEqualTo(3);
            assertThat(v3.prevRevision()).isEqualTo(revisions[1]);
            assertThat(v4).isSameAs(versions[0].latest(key));
            assertThat(v4.version()).isEqualTo(4);
            assertThat(v4.createRevision()).isEqualTo(revisions[0]);
            assertThat(v4.prevRevision()).isEqualTo(revisions[2]);
        }
    }
}
