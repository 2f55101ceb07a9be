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
}
