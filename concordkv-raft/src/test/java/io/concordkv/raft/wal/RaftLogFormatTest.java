package io.concordkv.raft.wal;

import static io.concordkv.raft.wal.WalFixture.describe;
import static io.concordkv.raft.wal.WalFixture.flipBit;
import static io.concordkv.raft.wal.WalFixture.snapshot;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.ConfState;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import io.concordkv.storage.fs.FileIo;
import io.concordkv.storage.log.LogRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Record payloads and snapshot files: round trips, and damage detected and named. */
class RaftLogFormatTest {
    @TempDir
    Path dir;

    @Test
    void recordPayloadsRoundTrip() {
        Entry conf = new Entry(5, 9, Entry.Type.CONF_CHANGE, new byte[] {1, 2, 3});
        RaftRecord e = RaftRecordCodec.decode(new LogRecord(7, RaftRecordCodec.ENTRY, RaftRecordCodec.entry(conf)));
        assertThat(e.walIndex()).isEqualTo(7);
        assertThat(describe(List.of(((RaftRecord.EntryRecord) e).entry()))).isEqualTo(describe(List.of(conf)));

        HardState hs = new HardState(5, 2, 8);
        assertThat(RaftRecordCodec.decode(new LogRecord(8, RaftRecordCodec.HARD_STATE, RaftRecordCodec.hardState(hs))))
            .isEqualTo(new RaftRecord.HardStateRecord(8, hs));

        SnapshotMeta meta = new SnapshotMeta(9, 5, new ConfState(Set.of(3L, 1L, 2L), Set.of(7L)));
        assertThat(RaftRecordCodec.decode(new LogRecord(9, RaftRecordCodec.SNAPSHOT, RaftRecordCodec.snapshot(meta, true))))
            .isEqualTo(new RaftRecord.SnapshotRecord(9, meta, true));
    }

    @Test
    void aMalformedPayloadIsCorruptionNamingTheRecord() {
        byte[] shortHardState = new byte[10];
        assertThatThrownBy(() -> RaftRecordCodec.decode(new LogRecord(42, RaftRecordCodec.HARD_STATE, shortHardState)))
            .isInstanceOfSatisfying(KvException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTION);
                assertThat(e.getMessage()).contains("record 42");
            });
        assertThatThrownBy(() -> RaftRecordCodec.decode(new LogRecord(43, (byte) 99, new byte[0])))
            .isInstanceOf(KvException.class).hasMessageContaining("unknown record type 99");
        byte[] badEntryType = RaftRecordCodec.entry(Entry.normal(1, 1, new byte[0]));
        badEntryType[16] = 7;
        assertThatThrownBy(() -> RaftRecordCodec.decode(new LogRecord(44, RaftRecordCodec.ENTRY, badEntryType)))
            .isInstanceOf(KvException.class).hasMessageContaining("unknown entry type 7");
    }

    @Test
    void aSnapshotFileRoundTripsUnderItsName() throws IOException {
        SnapshotFiles files = new SnapshotFiles(FileIo.disk(), dir);
        Snapshot snap = snapshot(0xab, 0x1234);
        files.write(snap);
        assertThat(Files.exists(dir.resolve("00000000000000ab-0000000000001234.snap"))).isTrue();
        Snapshot read = files.read(snap.meta());
        assertThat(read.meta()).isEqualTo(snap.meta());
        assertThat(read.data()).isEqualTo(snap.data());
        assertThat(files.list()).containsExactly(new SnapshotFiles.FileId(0xab, 0x1234));
    }

    @ParameterizedTest
    @ValueSource(ints = {3, 12, 30, 60, 75, -12, -1})
    void aFlippedBitAnywhereInASnapshotFileIsCaught(int offset) throws IOException {
        SnapshotFiles files = new SnapshotFiles(FileIo.disk(), dir);
        Snapshot snap = snapshot(2, 40);
        files.write(snap);
        flipBit(files.path(snap.meta()), offset);
        assertThatThrownBy(() -> files.read(snap.meta())).isInstanceOfSatisfying(KvException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTION);
            assertThat(e.getMessage()).contains(files.path(snap.meta()).toString());
        });
    }

    @Test
    void aTruncatedOrMisnamedSnapshotFileIsCaught() throws IOException {
        SnapshotFiles files = new SnapshotFiles(FileIo.disk(), dir);
        Snapshot snap = snapshot(2, 40);
        files.write(snap);
        Path file = files.path(snap.meta());
        SnapshotMeta other = new SnapshotMeta(41, 2, snap.meta().conf());
        Files.copy(file, files.path(other));
        assertThatThrownBy(() -> files.read(other)).isInstanceOf(KvException.class).hasMessageContaining("expects");
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(f.length() - 3);
        }
        assertThatThrownBy(() -> files.read(snap.meta())).isInstanceOf(KvException.class)
            .hasMessageContaining("does not match the file size");
        Files.delete(file);
        assertThatThrownBy(() -> files.read(snap.meta())).isInstanceOf(KvException.class).hasMessageContaining("missing");
    }
}
