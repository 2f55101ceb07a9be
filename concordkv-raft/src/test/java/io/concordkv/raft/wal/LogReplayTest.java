package io.concordkv.raft.wal;

import static io.concordkv.raft.wal.WalFixture.THREE;
import static io.concordkv.raft.wal.WalFixture.describe;
import static io.concordkv.raft.wal.WalFixture.entries;
import static io.concordkv.raft.wal.WalFixture.entry;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.SnapshotMeta;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The replay rules on hand-made record sequences, including suffixes a purge leaves. */
class LogReplayTest {
    private final List<RaftRecord> records = new ArrayList<>();
    /** Record indexes start anywhere: they are the segmented log's, not Raft's. */
    private long walIndex = 1000;

    private void write(List<Entry> entries) {
        for (Entry e : entries) {
            records.add(new RaftRecord.EntryRecord(walIndex++, e));
        }
    }

    private void hardState(long term, long vote, long commit) {
        records.add(new RaftRecord.HardStateRecord(walIndex++, new HardState(term, vote, commit)));
    }

    private static SnapshotMeta meta(long term, long index) {
        return new SnapshotMeta(index, term, THREE);
    }

    private void marker(long term, long index, boolean install) {
        records.add(new RaftRecord.SnapshotRecord(walIndex++, meta(term, index), install));
    }

    private static List<Entry> concat(List<Entry> a, List<Entry> b) {
        List<Entry> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    @Test
    void theWholeHistoryReplaysFromNoSnapshot() throws Exception {
        write(entries(1, 1, 10));
        hardState(1, 1, 4);
        write(entries(2, 8, 12));
        hardState(2, 0, 9);
        LogReplay.Result r = LogReplay.replay(records, SnapshotMeta.EMPTY);
        assertThat(describe(r.entries())).isEqualTo(describe(concat(entries(1, 1, 7), entries(2, 8, 12))));
        assertThat(r.hardState()).isEqualTo(new HardState(2, 0, 9));
        assertThat(r.positions().walIndexOf(8)).isEqualTo(1011);
        assertThat(r.markers()).isEmpty();
    }

    @Test
    void aSuffixStartingMidLogIsCompleteWhenItReachesTheSnapshot() throws Exception {
        write(entries(1, 30, 40));
        marker(1, 35, false);
        LogReplay.Result r = LogReplay.replay(records, meta(1, 35));
        assertThat(describe(r.entries())).isEqualTo(describe(entries(1, 36, 40)));
        assertThat(r.markers()).singleElement().satisfies(m -> assertThat(m.floor()).isEqualTo(1006));
    }

    @Test
    void anEntryBelowTheKnownRunRestartsItAsTheOverwriteItWas() throws Exception {
        write(entries(1, 30, 100));
        write(entries(2, 20, 70));
        marker(2, 60, false);
        LogReplay.Result r = LogReplay.replay(records, meta(2, 60));
        assertThat(describe(r.entries())).isEqualTo(describe(entries(2, 61, 70)));
    }

    @Test
    void entriesMissingBetweenTheSnapshotAndTheRestAreReported() {
        write(entries(1, 50, 60));
        marker(1, 40, false);
        assertThatThrownBy(() -> LogReplay.replay(records, meta(1, 40)))
            .isInstanceOf(LogReplay.NotCoveredException.class).hasMessageContaining("entries 41 to 49 are missing");
        assertThatThrownBy(() -> LogReplay.replay(records, SnapshotMeta.EMPTY))
            .isInstanceOf(LogReplay.NotCoveredException.class).hasMessageContaining("entries 1 to 49 are missing");
    }

    @Test
    void aNewerMarkerWhoseEntriesTheLogHoldsLetsAnOlderSnapshotServe() throws Exception {
        write(entries(1, 1, 30));
        marker(1, 10, false);
        write(entries(1, 31, 40));
        marker(1, 35, false);
        LogReplay.Result r = LogReplay.replay(records, meta(1, 10));
        assertThat(describe(r.entries())).isEqualTo(describe(entries(1, 11, 40)));
        assertThat(r.newestMarkerIndex()).isEqualTo(35);
        assertThat(r.markers()).extracting(m -> m.meta().index()).containsExactly(10L);
    }

    @Test
    void aNewerMarkerWithAnotherTermRefusesTheOlderSnapshot() {
        write(entries(1, 1, 30));
        marker(1, 10, false);
        marker(2, 25, false);
        assertThatThrownBy(() -> LogReplay.replay(records, meta(1, 10)))
            .isInstanceOf(LogReplay.NotCoveredException.class).hasMessageContaining("entry 25 has term 1");
    }

    @Test
    void anInstalledSnapshotDropsTheWholeLogBeforeIt() throws Exception {
        write(entries(1, 1, 50));
        marker(3, 100, true);
        write(entries(3, 101, 105));
        LogReplay.Result r = LogReplay.replay(records, meta(3, 100));
        assertThat(describe(r.entries())).isEqualTo(describe(entries(3, 101, 105)));
        assertThat(r.hardState().commit()).as("commit raised to the installed snapshot").isEqualTo(100);
        assertThat(r.markers()).singleElement().satisfies(m -> assertThat(m.floor()).isEqualTo(1050));
    }

    @Test
    void anInstalledMarkerNewerThanTheBaseCutsTheEntriesAfterIt() throws Exception {
        write(entries(1, 1, 30));
        marker(1, 10, false);
        marker(1, 25, true);
        write(List.of(entry(4, 26)));
        LogReplay.Result r = LogReplay.replay(records, meta(1, 10));
        assertThat(describe(r.entries())).isEqualTo(describe(concat(entries(1, 11, 25), List.of(entry(4, 26)))));
    }

    @Test
    void entriesAtOrBelowTheSnapshotAfterItsMarkerAreSkipped() throws Exception {
        write(entries(1, 1, 20));
        marker(1, 15, false);
        write(entries(1, 12, 14));
        write(List.of(entry(1, 21)));
        LogReplay.Result r = LogReplay.replay(records, meta(1, 15));
        assertThat(describe(r.entries())).isEqualTo(describe(entries(1, 16, 21)));
    }

    @Test
    void aBaseWithoutMarkerIsRefused() {
        write(entries(1, 1, 20));
        assertThatThrownBy(() -> LogReplay.replay(records, meta(1, 15)))
            .isInstanceOf(LogReplay.NotCoveredException.class).hasMessageContaining("no marker");
    }
}
