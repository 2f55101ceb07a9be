package io.concordkv.txn.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.LocalTimestampSource;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What the commit sequencer logs, read back by a reopen that replays it. */
class CommitSequencerLogTest {
    @TempDir
    Path dir;

    /**
     * A commit names each replaced version by reference, which replay resolves against the key's
     * latest version; a key the same commit writes twice replaces, the second time, the version the
     * commit itself wrote first, so that entry is logged whole. The store replays to what it held.
     */
    @ParameterizedTest
    @ValueSource(strings = {"NEVER", "ALWAYS"})
    void aCommitThatWritesAKeyTwiceReplaysToWhatItApplied(String fsync) {
        StoreOptions options = StoreOptions.defaults("rbtree").withFsync(FsyncPolicy.valueOf(fsync));
        VersionedEngine[] versions = new VersionedEngine[1];
        Bytes key = Bytes.utf8("k");
        List<KeyValue> applied;
        try (KvStore store = KvStore.open(dir, options, e -> versions[0] = new VersionedEngine(e))) {
            StoreOpening.prepare(store);
            LocalTimestampSource timestamps = new LocalTimestampSource();
            timestamps.advancePast(Math.max(1, StoreOpening.lastRevision(store)));
            CommitSequencer sequencer = new CommitSequencer(store, versions[0], timestamps, 0);
            sequencer.commit(List.of(CommitSequencer.Mutation.put(key, Bytes.utf8("v1"))), CommitSequencer.Validator.NONE);
            sequencer.commit(List.of(CommitSequencer.Mutation.put(key, Bytes.utf8("v2")),
                CommitSequencer.Mutation.delete(key)), CommitSequencer.Validator.NONE);
            sequencer.commit(List.of(CommitSequencer.Mutation.put(key, Bytes.utf8("v3")),
                CommitSequencer.Mutation.put(key, Bytes.utf8("v4"))), CommitSequencer.Validator.NONE);
            applied = store.scan(ScanRange.all());
            assertThat(applied).extracting(kv -> kv.key().byteAt(0)).contains((int) MvccKeys.HISTORY);
        }
        try (KvStore store = KvStore.open(dir, options, VersionedEngine::new)) {
            assertThat(store.scan(ScanRange.all())).isEqualTo(applied);
        }
    }

    private static CommitSequencer sequencer(KvStore store, VersionedEngine versions) {
        StoreOpening.prepare(store);
        LocalTimestampSource timestamps = new LocalTimestampSource();
        timestamps.advancePast(Math.max(1, StoreOpening.lastRevision(store)));
        return new CommitSequencer(store, versions, timestamps, 0);
    }

    /**
     * A put logs one filing record, whose replay files the version it replaced; after history
     * compaction and log compaction (which drops the records whose history is cut and keeps each
     * kept put's predecessor) a reopen replays to what the store held: every latest version with
     * its create revision and change count, and the history that was retained.
     */
    @ParameterizedTest
    @ValueSource(strings = {"NEVER", "BATCH"})
    void filingPutsReplayToWhatWasAppliedThroughHistoryAndLogCompaction(String fsync) {
        StoreOptions options = StoreOptions.defaults("hash").withFsync(FsyncPolicy.valueOf(fsync));
        VersionedEngine[] versions = new VersionedEngine[1];
        List<KeyValue> applied;
        long logRecords;
        int keys = 20;
        try (KvStore store = KvStore.open(dir, options, e -> versions[0] = new VersionedEngine(e))) {
            CommitSequencer sequencer = sequencer(store, versions[0]);
            HistoryCompactor compactor = new HistoryCompactor(store, sequencer);
            long cutAt = 0;
            for (int round = 0; round < 30; round++) {
                for (int k = 0; k < keys; k++) {
                    Bytes key = Bytes.utf8("key-" + k);
                    if ((round + k) % 7 == 3) {
                        sequencer.commit(List.of(CommitSequencer.Mutation.delete(key)), CommitSequencer.Validator.NONE);
                    } else {
                        sequencer.put(key, Bytes.utf8("v" + round + "-" + k), 0);
                    }
                }
                if (round == 19) {
                    cutAt = sequencer.published();
                }
            }
            compactor.advance(cutAt);
            compactor.drop(cutAt);
            store.compact();
            logRecords = store.stats().logRecords();
            applied = store.scan(ScanRange.all());
            assertThat(applied).extracting(kv -> kv.key().byteAt(0)).contains((int) MvccKeys.HISTORY);
        }
        assertThat(logRecords).as("log compaction dropped the records whose history was cut")
            .isLessThan(30L * keys / 2);
        try (KvStore store = KvStore.open(dir, options, VersionedEngine::new)) {
            assertThat(store.scan(ScanRange.all())).isEqualTo(applied);
        }
    }

    /**
     * An incremental snapshot holds the history entries that filing records wrote, which are not
     * keys of the records: a reopen from the snapshots alone has the history.
     */
    @org.junit.jupiter.api.Test
    void anIncrementalSnapshotHoldsWhatFilingRecordsFiled() {
        StoreOptions options = StoreOptions.defaults("rbtree").withFsync(FsyncPolicy.NEVER);
        VersionedEngine[] versions = new VersionedEngine[1];
        Bytes key = Bytes.utf8("k");
        List<KeyValue> applied;
        try (KvStore store = KvStore.open(dir, options, e -> versions[0] = new VersionedEngine(e))) {
            CommitSequencer sequencer = sequencer(store, versions[0]);
            sequencer.put(key, Bytes.utf8("v1"), 0);
            assertThat(store.snapshot().full()).isTrue();
            long second = sequencer.put(key, Bytes.utf8("v2"), 0).revision();
            sequencer.put(key, Bytes.utf8("v3"), 0);
            assertThat(store.snapshot().full()).isFalse();
            applied = store.scan(ScanRange.all());
            assertThat(applied).extracting(KeyValue::key).contains(MvccKeys.history(second, key));
        }
        try (KvStore store = KvStore.open(dir, options, VersionedEngine::new)) {
            assertThat(store.scan(ScanRange.all())).isEqualTo(applied);
        }
    }
}
