package io.concordkv.raft.wal;

import static io.concordkv.raft.wal.WalFixture.all;
import static io.concordkv.raft.wal.WalFixture.describe;
import static io.concordkv.raft.wal.WalFixture.entries;
import static io.concordkv.raft.wal.WalFixture.entry;
import static io.concordkv.raft.wal.WalFixture.files;
import static io.concordkv.raft.wal.WalFixture.hs;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.ConfChange;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.RaftStorage;
import io.concordkv.storage.fs.FaultyFileIo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedRaftLogTest {
    @TempDir
    Path dir;

    private final FaultyFileIo disk = new FaultyFileIo();

    private RaftLogOptions options() {
        return RaftLogOptions.defaults().withIo(disk);
    }

    private SegmentedRaftLog open() {
        return SegmentedRaftLog.open(dir, options());
    }

    @Test
    void hardStateAndEntriesIncludingConfChangesSurviveReopen() {
        ConfChange change = new ConfChange(ConfChange.Type.ADD_LEARNER, 4, "n4@127.0.0.1:2480".getBytes(StandardCharsets.UTF_8));
        List<Entry> written = new ArrayList<>(entries(1, 1, 3));
        written.add(new Entry(1, 4, Entry.Type.CONF_CHANGE, change.encode()));
        written.add(Entry.normal(2, 5, new byte[0]));
        written.addAll(entries(2, 6, 7));
        try (SegmentedRaftLog log = open()) {
            log.save(hs(1, 1, 0), written.subList(0, 4), true);
            log.save(hs(2, 2, 4), written.subList(4, 7), true);
            assertThat(describe(all(log.storage()))).isEqualTo(describe(written));
        }
        try (SegmentedRaftLog log = open()) {
            RaftStorage s = log.storage();
            assertThat(s.hardState()).isEqualTo(hs(2, 2, 4));
            assertThat(s.firstIndex()).isEqualTo(1);
            assertThat(s.lastIndex()).isEqualTo(7);
            assertThat(describe(all(s))).isEqualTo(describe(written));
            Entry conf = s.entries(4, 5, Long.MAX_VALUE).get(0);
            assertThat(conf.type()).isEqualTo(Entry.Type.CONF_CHANGE);
            ConfChange decoded = ConfChange.decode(conf.data());
            assertThat(decoded.type()).isEqualTo(ConfChange.Type.ADD_LEARNER);
            assertThat(decoded.nodeId()).isEqualTo(4);
            assertThat(decoded.contextUtf8()).isEqualTo("n4@127.0.0.1:2480");
            assertThat(log.recoveryEvents()).isEmpty();
        }
    }

    @Test
    void anOverwrittenSuffixStaysOverwrittenAfterReopen() {
        try (SegmentedRaftLog log = open()) {
            log.save(hs(1, 1, 3), entries(1, 1, 10), true);
            log.save(hs(2, 2, 3), entries(2, 6, 8), true);
            assertThat(log.storage().lastIndex()).isEqualTo(8);
        }
        List<Entry> expected = new ArrayList<>(entries(1, 1, 5));
        expected.addAll(entries(2, 6, 8));
        try (SegmentedRaftLog log = open()) {
            assertThat(describe(all(log.storage()))).isEqualTo(describe(expected));
            log.save(HardState.EMPTY, List.of(entry(2, 9)), true);
        }
        expected.add(entry(2, 9));
        try (SegmentedRaftLog log = open()) {
            assertThat(describe(all(log.storage()))).isEqualTo(describe(expected));
            assertThat(log.storage().hardState()).isEqualTo(hs(2, 2, 3));
        }
    }

    @Test
    void aCrashKeepsWhatWasSyncedAndInventsNothingAfterIt() throws IOException {
        SegmentedRaftLog log = open();
        for (long i = 1; i <= 20; i += 5) {
            log.save(hs(1, 1, i), entries(1, i, i + 4), true);
        }
        for (long i = 21; i <= 60; i++) {
            log.save(hs(1, 1, i), List.of(entry(1, i)), false);
        }
        assertThat(log.storage().lastIndex()).isEqualTo(60);
        disk.crash();
        try (SegmentedRaftLog reopened = open()) {
            assertThat(reopened.storage().lastIndex()).isEqualTo(20);
            assertThat(describe(all(reopened.storage()))).isEqualTo(describe(entries(1, 1, 20)));
            assertThat(reopened.storage().hardState()).isEqualTo(hs(1, 1, 16));
            reopened.save(hs(1, 1, 21), List.of(entry(1, 21)), true);
        }
        try (SegmentedRaftLog reopened = open()) {
            assertThat(reopened.storage().lastIndex()).isEqualTo(21);
        }
    }

    @Test
    void aSyncWithNothingNewStillSyncsEarlierUnsyncedWrites() throws IOException {
        SegmentedRaftLog log = open();
        log.save(hs(1, 1, 0), entries(1, 1, 5), false);
        log.save(HardState.EMPTY, List.of(), true);
        disk.crash();
        try (SegmentedRaftLog reopened = open()) {
            assertThat(describe(all(reopened.storage()))).isEqualTo(describe(entries(1, 1, 5)));
            assertThat(reopened.storage().hardState()).isEqualTo(hs(1, 1, 0));
        }
    }

    @Test
    void aTornLastRecordIsCutOffAndReported() throws IOException {
        try (SegmentedRaftLog log = open()) {
            log.save(hs(1, 1, 10), entries(1, 1, 10), true);
            log.save(HardState.EMPTY, List.of(entry(1, 11)), true);
        }
        Path segment = dir.resolve("wal").resolve(files(dir.resolve("wal"), ".wal").get(0));
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(f.length() - 5);
        }
        try (SegmentedRaftLog log = open()) {
            assertThat(log.storage().lastIndex()).isEqualTo(10);
            assertThat(log.storage().hardState()).isEqualTo(hs(1, 1, 10));
            assertThat(log.recoveryEvents()).singleElement().asString().contains("torn write")
                .contains(segment.getFileName().toString());
            log.save(HardState.EMPTY, List.of(entry(2, 11)), true);
        }
        try (SegmentedRaftLog log = open()) {
            assertThat(log.storage().term(11)).isEqualTo(2);
            assertThat(log.recoveryEvents()).isEmpty();
        }
    }

    @Test
    void aFailedFsyncFailsTheLogForGood() {
        try (SegmentedRaftLog log = open()) {
            log.save(hs(1, 1, 0), entries(1, 1, 3), true);
            disk.failSyncs(true);
            assertThatThrownBy(() -> log.save(hs(1, 1, 3), entries(1, 4, 5), true))
                .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.IO_ERROR));
            assertThat(log.storage().lastIndex()).isEqualTo(3);
            assertThat(log.storage().hardState()).isEqualTo(hs(1, 1, 0));
            disk.failSyncs(false);
            assertThatThrownBy(() -> log.save(HardState.EMPTY, entries(1, 4, 4), true))
                .isInstanceOf(KvException.class).hasMessageContaining("failed earlier");
        }
    }

    @Test
    void entriesThatWouldLeaveAGapAreRejectedBeforeAnythingIsWritten() {
        try (SegmentedRaftLog log = open()) {
            log.save(hs(1, 1, 0), entries(1, 1, 3), true);
            assertThatThrownBy(() -> log.save(HardState.EMPTY, entries(1, 5, 6), true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("gap");
            List<Entry> holey = List.of(entry(1, 4), entry(1, 6));
            assertThatThrownBy(() -> log.save(HardState.EMPTY, holey, true)).isInstanceOf(IllegalArgumentException.class);
            log.save(HardState.EMPTY, entries(1, 4, 4), true);
        }
        try (SegmentedRaftLog log = open()) {
            assertThat(describe(all(log.storage()))).isEqualTo(describe(entries(1, 1, 4)));
        }
    }

    @Test
    void aSecondOpenOfTheSameDirectoryIsRefused() {
        try (SegmentedRaftLog log = open()) {
            assertThatThrownBy(this::open).isInstanceOfSatisfying(KvException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.LOCKED));
        }
    }

    @Test
    void aHundredThousandEntryLogReopensIntact() throws IOException {
        RaftLogOptions small = options().withSegmentBytes(1 << 20);
        int total = 100_000;
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, small)) {
            for (long i = 1; i <= total; i += 1000) {
                log.save(hs(3, 1, i - 1), entries(3, i, i + 999), true);
            }
        }
        assertThat(files(dir.resolve("wal"), ".wal")).hasSizeGreaterThan(3);
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, small)) {
            RaftStorage s = log.storage();
            assertThat(s.firstIndex()).isEqualTo(1);
            assertThat(s.lastIndex()).isEqualTo(total);
            assertThat(s.hardState()).isEqualTo(hs(3, 1, total - 1000));
            for (long i : new long[] {1, 4711, 50_000, 99_999, total}) {
                assertThat(describe(s.entries(i, i + 1, Long.MAX_VALUE))).isEqualTo(describe(List.of(entry(3, i))));
            }
        }
    }
}
