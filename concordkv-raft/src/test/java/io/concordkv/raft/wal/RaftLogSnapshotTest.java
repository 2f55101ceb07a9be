package io.concordkv.raft.wal;

import static io.concordkv.raft.wal.WalFixture.THREE;
import static io.concordkv.raft.wal.WalFixture.all;
import static io.concordkv.raft.wal.WalFixture.describe;
import static io.concordkv.raft.wal.WalFixture.entries;
import static io.concordkv.raft.wal.WalFixture.files;
import static io.concordkv.raft.wal.WalFixture.flipBit;
import static io.concordkv.raft.wal.WalFixture.hs;
import static io.concordkv.raft.wal.WalFixture.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.CompactedException;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.RaftStorage;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.storage.fs.FaultyFileIo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RaftLogSnapshotTest {
    @TempDir
    Path dir;

    private final FaultyFileIo disk = new FaultyFileIo();

    /** Small segments (about 75 entries each), so that purges have whole segments to delete. */
    private RaftLogOptions options(int snapshotsKept) {
        return RaftLogOptions.defaults().withIo(disk).withSegmentBytes(4096).withSnapshotsKept(snapshotsKept);
    }

    /** Appends entries {@code from..to} of term 1 in synced batches of 25, committing each batch. */
    private static void fill(SegmentedRaftLog log, long from, long to) {
        for (long i = from; i <= to; i += 25) {
            long last = Math.min(to, i + 24);
            log.save(hs(1, 1, last), entries(1, i, last), true);
        }
    }

    private Path snapFile(long term, long index) {
        return dir.resolve("snap").resolve(SnapshotFiles.name(term, index));
    }

    private static void assertSnapshot(RaftStorage s, Snapshot expected) {
        assertThat(s.snapshot().meta()).isEqualTo(expected.meta());
        assertThat(s.snapshot().data()).isEqualTo(expected.data());
        assertThat(s.firstIndex()).isEqualTo(expected.meta().index() + 1);
        assertThat(s.term(expected.meta().index())).isEqualTo(expected.meta().term());
    }

    /** The file written first (on another thread, as the runtime does), then recorded: the same as compactTo. */
    @Test
    void aSnapshotFileWrittenAheadIsRecordedAndReopened() throws Exception {
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            fill(log, 1, 300);
            Snapshot snap = snapshot(1, 200);
            Thread writer = new Thread(() -> log.writeSnapshotFile(snap));
            writer.start();
            writer.join();
            assertThat(java.nio.file.Files.exists(snapFile(1, 200))).isTrue();
            assertThat(log.storage().firstIndex()).as("nothing recorded yet").isEqualTo(1);
            assertThat(log.compactToWritten(snap)).isTrue();
            assertSnapshot(log.storage(), snap);
            assertThat(log.compactToWritten(snapshot(1, 150))).as("an older one is ignored").isFalse();
        }
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            assertSnapshot(log.storage(), snapshot(1, 200));
            assertThat(describe(all(log.storage()))).isEqualTo(describe(entries(1, 201, 300)));
        }
    }

    @Test
    void snapshotsPurgeWholeSegmentsAndReopenRestoresSnapshotAndLaterEntries() {
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            fill(log, 1, 300);
            assertThat(log.compactTo(snapshot(1, 100))).isTrue();
            assertThat(files(dir.resolve("wal"), ".wal")).doesNotContain("00000000000000000001-0000.wal");
            fill(log, 301, 400);
            assertThat(log.compactTo(snapshot(1, 250))).isTrue();
            fill(log, 401, 500);
            int before = files(dir.resolve("wal"), ".wal").size();
            assertThat(log.compactTo(snapshot(1, 450))).isTrue();
            assertThat(files(dir.resolve("wal"), ".wal").size()).isLessThan(before);
            assertThat(files(dir.resolve("snap"), "")).containsExactly(SnapshotFiles.name(1, 250),
                SnapshotFiles.name(1, 450));
            assertSnapshot(log.storage(), snapshot(1, 450));
        }
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            RaftStorage s = log.storage();
            assertSnapshot(s, snapshot(1, 450));
            assertThat(s.confState()).isEqualTo(THREE);
            assertThat(describe(all(s))).isEqualTo(describe(entries(1, 451, 500)));
            assertThat(s.hardState()).isEqualTo(hs(1, 1, 500));
            assertThatThrownBy(() -> s.term(449)).isInstanceOf(CompactedException.class);
            assertThat(log.recoveryEvents()).isEmpty();
        }
    }

    @Test
    void theLogStaysBoundedOverManySnapshots() {
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            for (long cycle = 0; cycle < 20; cycle++) {
                fill(log, cycle * 100 + 1, cycle * 100 + 100);
                log.compactTo(snapshot(1, cycle * 100 + 90));
            }
            assertThat(files(dir.resolve("wal"), ".wal")).hasSizeLessThanOrEqualTo(8);
            assertThat(files(dir.resolve("snap"), "")).hasSize(2);
        }
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            assertSnapshot(log.storage(), snapshot(1, 1990));
            assertThat(describe(all(log.storage()))).isEqualTo(describe(entries(1, 1991, 2000)));
        }
    }

    @Test
    void theHardStateSurvivesThePurgeOfTheSegmentThatHeldIt() {
        long commit = 0;
        List<String> sealed;
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(1))) {
            int segments = files(dir.resolve("wal"), ".wal").size();
            // one entry and one hard state per save, until a save fills a segment and seals it
            while (files(dir.resolve("wal"), ".wal").size() == segments) {
                commit++;
                log.save(hs(7, 3, commit), entries(1, commit, commit), true);
            }
            List<String> walFiles = files(dir.resolve("wal"), ".wal");
            sealed = walFiles.subList(0, walFiles.size() - 1);
            log.save(HardState.EMPTY, entries(1, commit + 1, commit + 200), true);
            log.compactTo(snapshot(1, commit));
            assertThat(files(dir.resolve("wal"), ".wal")).doesNotContainAnyElementsOf(sealed);
        }
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(1))) {
            assertThat(log.storage().hardState()).isEqualTo(hs(7, 3, commit));
            assertThat(describe(all(log.storage()))).isEqualTo(describe(entries(1, commit + 1, commit + 200)));
        }
    }

    @Test
    void aDamagedNewestSnapshotFallsBackToThePreviousOneWhileTheLogCoversIt() throws IOException {
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            fill(log, 1, 300);
            log.compactTo(snapshot(1, 100));
            fill(log, 301, 400);
            log.compactTo(snapshot(1, 250));
        }
        flipBit(snapFile(1, 250), -10);
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            assertSnapshot(log.storage(), snapshot(1, 100));
            assertThat(describe(all(log.storage()))).isEqualTo(describe(entries(1, 101, 400)));
            assertThat(log.recoveryEvents()).anySatisfy(e -> assertThat(e).contains("fell back")
                .contains(SnapshotFiles.name(1, 250)).contains("checksum"));
            assertThat(Files.exists(dir.resolve("snap").resolve(SnapshotFiles.name(1, 250) + ".broken"))).isTrue();
            assertThat(log.compactTo(snapshot(1, 250))).as("no newer than the recorded marker").isFalse();
            assertThat(log.compactTo(snapshot(1, 300))).isTrue();
        }
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            assertSnapshot(log.storage(), snapshot(1, 300));
            assertThat(describe(all(log.storage()))).isEqualTo(describe(entries(1, 301, 400)));
            assertThat(log.recoveryEvents()).isEmpty();
        }
    }

    @Test
    void aDamagedSnapshotTheLogNoLongerCoversFailsOpenNamingTheFile() throws IOException {
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(1))) {
            fill(log, 1, 300);
            log.compactTo(snapshot(1, 100));
            fill(log, 301, 400);
            log.compactTo(snapshot(1, 250));
        }
        assertThat(files(dir.resolve("snap"), "")).containsExactly(SnapshotFiles.name(1, 250));
        flipBit(snapFile(1, 250), 20);
        assertThatThrownBy(() -> SegmentedRaftLog.open(dir, options(1)))
            .isInstanceOfSatisfying(KvException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTION);
                assertThat(e.getMessage()).contains("cannot recover").contains(snapFile(1, 250).toString())
                    .contains("missing from the log");
            });
        assertThat(Files.exists(snapFile(1, 250))).as("left in place for inspection").isTrue();
    }

    @Test
    void anInstalledSnapshotReplacesTheLogAndSurvivesReopen() {
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            fill(log, 1, 50);
            Snapshot fromLeader = snapshot(3, 100);
            assertThat(log.installSnapshot(fromLeader)).isTrue();
            assertSnapshot(log.storage(), fromLeader);
            assertThat(log.storage().lastIndex()).isEqualTo(100);
            assertThat(log.storage().confState()).isEqualTo(THREE);
            log.save(hs(3, 0, 100), entries(3, 101, 110), true);
            assertThat(log.installSnapshot(snapshot(3, 90))).isFalse();
        }
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            RaftStorage s = log.storage();
            assertSnapshot(s, snapshot(3, 100));
            assertThat(describe(all(s))).isEqualTo(describe(entries(3, 101, 110)));
            assertThat(s.hardState()).isEqualTo(hs(3, 0, 100));
            assertThatThrownBy(() -> s.term(50)).isInstanceOf(CompactedException.class);
        }
    }

    @Test
    void aDamagedInstalledSnapshotCannotFallBackToTheLogItReplaced() throws IOException {
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            fill(log, 1, 50);
            log.compactTo(snapshot(1, 30));
            log.installSnapshot(snapshot(3, 100));
            log.save(hs(3, 0, 100), entries(3, 101, 110), true);
            assertThat(files(dir.resolve("snap"), "")).as("the older snapshot is useless now")
                .containsExactly(SnapshotFiles.name(3, 100));
        }
        flipBit(snapFile(3, 100), -2);
        assertThatThrownBy(() -> SegmentedRaftLog.open(dir, options(2)))
            .isInstanceOfSatisfying(KvException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTION);
                assertThat(e.getMessage()).contains(snapFile(3, 100).toString()).contains("does not hold entry 100");
            });
    }

    @Test
    void aCrashBetweenImageAndMarkerLeavesTheSnapshotUnrecorded() throws IOException {
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            fill(log, 1, 100);
            log.compactTo(snapshot(1, 30));
        }
        SnapshotFiles snaps = new SnapshotFiles(disk, dir.resolve("snap"));
        snaps.write(snapshot(1, 60));
        Files.write(dir.resolve("snap").resolve(SnapshotFiles.name(1, 70) + ".tmp"), new byte[] {1, 2, 3});
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            assertSnapshot(log.storage(), snapshot(1, 30));
            assertThat(describe(all(log.storage()))).isEqualTo(describe(entries(1, 31, 100)));
            assertThat(files(dir.resolve("snap"), "")).containsExactly(SnapshotFiles.name(1, 30));
            assertThat(log.recoveryEvents()).anyMatch(e -> e.contains("unrecorded"))
                .anyMatch(e -> e.contains("unfinished"));
        }
    }

    @Test
    void entriesOverwrittenBeforeASnapshotStayOverwrittenAfterThePurge() {
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(1))) {
            log.save(hs(1, 1, 40), entries(1, 1, 100), true);
            log.save(hs(2, 2, 55), entries(2, 50, 55), true);
            assertThat(log.compactTo(snapshot(2, 55))).isTrue();
            assertThat(files(dir.resolve("wal"), ".wal")).doesNotContain("00000000000000000001-0000.wal");
        }
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(1))) {
            assertSnapshot(log.storage(), snapshot(2, 55));
            assertThat(log.storage().lastIndex()).isEqualTo(55);
            log.save(HardState.EMPTY, entries(2, 56, 60), true);
        }
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(1))) {
            assertThat(describe(all(log.storage()))).isEqualTo(describe(entries(2, 56, 60)));
        }
    }

    @Test
    void aCrashAfterASnapshotKeepsTheSnapshotAndTheSyncedEntries() throws IOException {
        SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2));
        fill(log, 1, 100);
        log.compactTo(snapshot(1, 50));
        for (long i = 101; i <= 120; i++) {
            log.save(hs(1, 1, i), entries(1, i, i), false);
        }
        disk.crash();
        try (SegmentedRaftLog reopened = SegmentedRaftLog.open(dir, options(2))) {
            assertSnapshot(reopened.storage(), snapshot(1, 50));
            assertThat(describe(all(reopened.storage()))).isEqualTo(describe(entries(1, 51, 100)));
            assertThat(reopened.storage().hardState()).isEqualTo(hs(1, 1, 100));
        }
    }

    @Test
    void anOwnSnapshotMustMatchTheLog() {
        try (SegmentedRaftLog log = SegmentedRaftLog.open(dir, options(2))) {
            fill(log, 1, 20);
            assertThatThrownBy(() -> log.compactTo(snapshot(2, 10))).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> log.compactTo(snapshot(1, 21))).isInstanceOf(IllegalArgumentException.class);
            assertThat(files(dir.resolve("snap"), "")).isEmpty();
            assertThat(log.storage().firstIndex()).isEqualTo(1);
        }
    }
}
