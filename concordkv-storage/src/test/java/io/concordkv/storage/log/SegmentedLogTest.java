package io.concordkv.storage.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FaultyFileIo;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SegmentedLogTest {
    @TempDir
    Path dir;

    private final FaultyFileIo faulty = new FaultyFileIo();

    private LogOptions options() {
        return LogOptions.defaults().withIo(faulty);
    }

    private static byte[] payload(long i) {
        return ("record-" + i).getBytes(StandardCharsets.UTF_8);
    }

    private List<LogRecord> reopen(LogOptions opts) {
        List<LogRecord> seen = new ArrayList<>();
        SegmentedLog log = SegmentedLog.open(dir, opts, 0, seen::add);
        closeQuietly(log);
        return seen;
    }

    private static void closeQuietly(SegmentedLog log) {
        try {
            log.close();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void writeRecords(LogOptions opts, int n) throws IOException {
        try (SegmentedLog log = SegmentedLog.open(dir, opts, 0, r -> { })) {
            for (int i = 0; i < n; i++) {
                log.append((byte) 1, payload(log.nextIndex()));
                log.write();
            }
            log.sync();
        }
    }

    @Test
    void appendedRecordsComeBackInOrderAfterReopen() throws IOException {
        writeRecords(options(), 100);
        List<LogRecord> seen = reopen(options());
        assertThat(seen).hasSize(100);
        for (int i = 0; i < 100; i++) {
            assertThat(seen.get(i).index()).isEqualTo(i + 1);
            assertThat(seen.get(i).payload()).isEqualTo(payload(i + 1));
        }
        try (SegmentedLog log = SegmentedLog.open(dir, options(), 90, r -> { })) {
            assertThat(log.nextIndex()).isEqualTo(101);
            assertThat(log.recoveryReport().clean()).isTrue();
        }
    }

    /** A payload of {@code length} bytes, as it says, that {@code write} puts in the log's buffer. */
    private static SegmentedLog.Payload inPlace(int length, java.util.function.Consumer<java.nio.ByteBuffer> write) {
        return new SegmentedLog.Payload() {
            @Override
            public int length() {
                return length;
            }

            @Override
            public void writeTo(java.nio.ByteBuffer out) {
                write.accept(out);
            }
        };
    }

    /**
     * A payload written in place comes back as its bytes; one that writes other than its length,
     * or fails half-way, is refused, leaving the log as it was.
     */
    @Test
    void aPayloadWrittenInPlaceMustWriteItsLength() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(dir, options(), 0, r -> { })) {
            log.append((byte) 1, payload(1));
            assertThat(log.append((byte) 1, inPlace(payload(2).length, out -> out.put(payload(2))))).isEqualTo(2);
            assertThatThrownBy(() -> log.append((byte) 1, inPlace(4, out -> out.put(new byte[3]))))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("wrote 3 bytes, said 4");
            assertThatThrownBy(() -> log.append((byte) 1, inPlace(4, out -> {
                out.put(new byte[2]);
                throw new IllegalArgumentException("half-way");
            }))).hasMessage("half-way");
            assertThat(log.nextIndex()).as("no index used").isEqualTo(3);
            log.append((byte) 1, payload(3));
            log.sync();
        }
        assertThat(reopen(options())).extracting(LogRecord::payload).containsExactly(payload(1), payload(2), payload(3));
    }

    @Test
    void replayStartsAfterTheGivenIndex() throws IOException {
        writeRecords(options(), 20);
        List<LogRecord> seen = new ArrayList<>();
        SegmentedLog.open(dir, options(), 15, seen::add).close();
        assertThat(seen).extracting(LogRecord::index).containsExactly(16L, 17L, 18L, 19L, 20L);
    }

    @Test
    void rotatesIntoOrderedSegmentsAndReadsAcrossThem() throws IOException {
        LogOptions small = options().withSegmentBytes(1024);
        writeRecords(small, 500);
        List<String> names = Files.list(dir).map(p -> p.getFileName().toString())
            .filter(n -> n.endsWith(".wal")).sorted().toList();
        assertThat(names.size()).isGreaterThan(5);
        assertThat(names.get(0)).isEqualTo("00000000000000000001-0000.wal");
        assertThat(reopen(small)).extracting(LogRecord::index).containsExactlyElementsOf(range(1, 500));
    }

    @Test
    void tornLastRecordIsTruncatedAndReported() throws IOException {
        writeRecords(options(), 10);
        Path segment = onlySegment();
        long size = Files.size(segment);
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.setLength(size - 3);
        }
        List<LogRecord> seen = new ArrayList<>();
        try (SegmentedLog log = SegmentedLog.open(dir, options(), 0, seen::add)) {
            assertThat(seen).hasSize(9);
            RecoveryReport report = log.recoveryReport();
            assertThat(report.events()).singleElement().asString()
                .contains("torn write").contains(segment.getFileName().toString()).contains("offset");
            assertThat(log.nextIndex()).isEqualTo(10);
            log.append((byte) 1, payload(10));
            log.sync();
        }
        assertThat(reopen(options())).hasSize(10);
    }

    @Test
    void zerosAfterTheLastRecordAreUnusedSpaceCutOffQuietly() throws IOException {
        writeRecords(options(), 5);
        long size = Files.size(onlySegment());
        Files.write(onlySegment(), new byte[40], java.nio.file.StandardOpenOption.APPEND);
        try (SegmentedLog log = SegmentedLog.open(dir, options(), 0, r -> { })) {
            assertThat(log.recoveryReport().truncatedBytes()).isZero();
            assertThat(log.recoveryReport().events()).isEmpty();
            assertThat(log.nextIndex()).isEqualTo(6);
            assertThat(Files.size(onlySegment())).isEqualTo(size);
        }
    }

    @Test
    void theActiveSegmentIsWrittenAheadWithZerosAndTrimmedWhenSealed() throws IOException {
        SegmentedLog log = tenSyncedRecordsOnDisk();
        long logical = log.segments().get(0).bytes();
        assertThat(Files.size(onlySegment())).isGreaterThanOrEqualTo(1 << 20);
        log.rotate();
        assertThat(Files.size(segmentsInOrder().get(0))).isEqualTo(logical);
        log.close();
        assertThat(Files.size(segmentsInOrder().get(1))).isEqualTo(LogFormat.HEADER_BYTES);
        assertThat(reopen(LogOptions.defaults())).extracting(LogRecord::index).containsExactlyElementsOf(range(1, 10));
    }

    @Test
    void aLogLeftByACrashEndsInZerosThatOpeningCutsOff(@TempDir Path crashed) throws IOException {
        long logical = crashCopyOfTenSyncedRecords(crashed);
        List<LogRecord> seen = new ArrayList<>();
        try (SegmentedLog reopened = SegmentedLog.open(crashed, LogOptions.defaults(), 0, seen::add)) {
            assertThat(seen).extracting(LogRecord::index).containsExactlyElementsOf(range(1, 10));
            assertThat(reopened.recoveryReport().events()).isEmpty();
            assertThat(Files.size(crashed.resolve(onlySegment().getFileName()))).isEqualTo(logical);
            reopened.append((byte) 1, payload(11));
            reopened.sync();
        }
        seen.clear();
        SegmentedLog.open(crashed, LogOptions.defaults(), 0, seen::add).close();
        assertThat(seen).extracting(LogRecord::index).containsExactlyElementsOf(range(1, 11));
    }

    @Test
    void aRecordCutShortByTheZerosIsATornWrite(@TempDir Path crashed) throws IOException {
        long logical = crashCopyOfTenSyncedRecords(crashed);
        Path segment = crashed.resolve(onlySegment().getFileName());
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            f.seek(logical - 4);
            f.write(new byte[4]);
        }
        List<LogRecord> seen = new ArrayList<>();
        try (SegmentedLog reopened = SegmentedLog.open(crashed, LogOptions.defaults(), 0, seen::add)) {
            assertThat(seen).extracting(LogRecord::index).containsExactlyElementsOf(range(1, 9));
            assertThat(reopened.recoveryReport().events()).singleElement().asString().contains("torn write");
        }
    }

    @Test
    void aSealedSegmentEndingInZerosIsCorruption() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(dir, options(), 0, r -> { })) {
            log.append((byte) 1, payload(1));
            log.rotate();
            log.append((byte) 1, payload(2));
            log.sync();
        }
        Files.write(segmentsInOrder().get(0), new byte[40], java.nio.file.StandardOpenOption.APPEND);
        assertThatThrownBy(() -> reopen(options())).isInstanceOfSatisfying(KvException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTION));
    }

    @Test
    void flippedBitInTheMiddleIsCorruptionWithFileAndOffset() throws IOException {
        writeRecords(options(), 10);
        Path segment = onlySegment();
        long size = Files.size(segment);
        long offset = LogFormat.HEADER_BYTES + 3L * LogFormat.recordBytes(payload(1).length) + 12;
        flipBit(segment, offset);
        assertThatThrownBy(() -> reopen(options()))
            .isInstanceOfSatisfying(KvException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTION);
                assertThat(e.getMessage()).contains(segment.getFileName().toString())
                    .contains("offset " + (LogFormat.HEADER_BYTES + 3L * LogFormat.recordBytes(payload(1).length)));
            });
        // nothing was repaired by the failed open
        assertThat(Files.size(segment)).isEqualTo(size);
    }

    @Test
    void salvageKeepsTheValidPrefixAndSaysWhatItDropped() throws IOException {
        LogOptions small = options().withSegmentBytes(1024);
        writeRecords(small, 300);
        List<Path> segments = segmentsInOrder();
        assertThat(segments.size()).isGreaterThan(3);
        flipBit(segments.get(1), LogFormat.HEADER_BYTES + 5);
        List<LogRecord> seen = new ArrayList<>();
        try (SegmentedLog log = SegmentedLog.open(dir, small.withSalvage(true), 0, seen::add)) {
            assertThat(log.recoveryReport().events()).anyMatch(e -> e.contains("salvage") && e.contains("offset"));
            assertThat(log.recoveryReport().events()).anyMatch(e -> e.contains("dropped segment"));
            long lastKept = seen.get(seen.size() - 1).index();
            assertThat(seen).extracting(LogRecord::index).containsExactlyElementsOf(range(1, (int) lastKept));
            assertThat(log.nextIndex()).isEqualTo(lastKept + 1);
        }
        // the intact first segment and the second, cut back to its header
        assertThat(segmentsInOrder()).hasSize(2);
        assertThat(Files.size(segmentsInOrder().get(1))).isEqualTo(LogFormat.HEADER_BYTES);
    }

    @Test
    void unsyncedTailIsLostInACrashAndSyncedRecordsAreNot() throws IOException {
        SegmentedLog log = SegmentedLog.open(dir, options(), 0, r -> { });
        for (int i = 0; i < 10; i++) {
            log.append((byte) 1, payload(i + 1));
        }
        log.sync();
        for (int i = 0; i < 5; i++) {
            log.append((byte) 1, payload(i + 11));
        }
        log.write();
        faulty.crash();
        List<LogRecord> seen = reopen(options());
        assertThat(seen).extracting(LogRecord::index).containsExactlyElementsOf(range(1, 10));
    }

    @Test
    void failingFsyncIsReportedToTheCaller() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(dir, options(), 0, r -> { })) {
            log.append((byte) 1, payload(1));
            faulty.failSyncs(true);
            assertThatThrownBy(log::sync).isInstanceOf(IOException.class).hasMessageContaining("fsync");
            faulty.failSyncs(false);
        }
    }

    @Test
    void fullDiskFailsTheWrite() throws IOException {
        try (SegmentedLog log = SegmentedLog.open(dir, options(), 0, r -> { })) {
            faulty.diskFullAfter(100);
            for (int i = 0; i < 20; i++) {
                log.append((byte) 1, payload(i + 1));
            }
            assertThatThrownBy(log::write).isInstanceOf(IOException.class).hasMessageContaining("No space");
            faulty.diskFullAfter(Long.MAX_VALUE);
        }
    }

    @Test
    void dropBeforeDeletesWholeSealedSegmentsOnly() throws IOException {
        LogOptions small = options().withSegmentBytes(1024);
        writeRecords(small, 300);
        try (SegmentedLog log = SegmentedLog.open(dir, small, 0, r -> { })) {
            int before = log.segments().size();
            long firstOfThird = log.segments().get(2).firstIndex();
            assertThat(log.dropBefore(firstOfThird)).isEqualTo(2);
            assertThat(log.segments()).hasSize(before - 2);
        }
        List<LogRecord> seen = reopen(small);
        assertThat(seen.get(0).index()).isGreaterThan(1);
        assertThat(seen.get(seen.size() - 1).index()).isEqualTo(300);
    }

    @Test
    void rewriteSealedKeepsWhatTheRewriterKeeps() throws IOException {
        LogOptions small = options().withSegmentBytes(1024);
        writeRecords(small, 300);
        CompactionResult result;
        try (SegmentedLog log = SegmentedLog.open(dir, small, 0, r -> { })) {
            log.rotate();
            result = log.rewriteSealed(new RecordRewriter() {
                @Override
                public void observe(LogRecord record) {
                }

                @Override
                public byte[] rewrite(LogRecord record) {
                    return record.index() % 2 == 0 ? record.payload() : null;
                }
            });
            log.append((byte) 1, payload(301));
        }
        assertThat(result.recordsBefore()).isEqualTo(300);
        assertThat(result.recordsAfter()).isEqualTo(150);
        assertThat(result.bytesSaved()).isPositive();
        List<LogRecord> seen = reopen(small);
        assertThat(seen).hasSize(151);
        assertThat(seen.get(0).index()).isEqualTo(2);
        assertThat(seen.get(150).index()).isEqualTo(301);
        assertThat(segmentsInOrder()).hasSize(2);
    }

    @Test
    void filesLeftByACrashedRotationAreRemoved() throws IOException {
        writeRecords(options(), 3);
        Path leftover = dir.resolve(LogFormat.segmentName(99, 0));
        Files.write(leftover, new byte[] {1, 2, 3});
        try (SegmentedLog log = SegmentedLog.open(dir, options(), 0, r -> { })) {
            assertThat(log.recoveryReport().events()).anyMatch(e -> e.contains("leftover"));
        }
        assertThat(leftover).doesNotExist();
    }

    @Test
    void segmentsWithoutAManifestAreRefused() throws IOException {
        writeRecords(options(), 3);
        Files.delete(dir.resolve(WalManifest.NAME));
        assertThatThrownBy(() -> reopen(options())).isInstanceOfSatisfying(KvException.class,
            e -> assertThat(e.code()).isEqualTo(ErrorCode.CORRUPTION));
    }

    private Path onlySegment() throws IOException {
        List<Path> segments = segmentsInOrder();
        assertThat(segments).hasSize(1);
        return segments.get(0);
    }

    private List<Path> segmentsInOrder() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().endsWith(".wal")).sorted().toList();
        }
    }

    /** A log on the real disk (so its active segment is written ahead) holding ten synced records. */
    private SegmentedLog tenSyncedRecordsOnDisk() throws IOException {
        SegmentedLog log = SegmentedLog.open(dir, LogOptions.defaults(), 0, r -> { });
        for (int i = 0; i < 10; i++) {
            log.append((byte) 1, payload(i + 1));
        }
        log.sync();
        return log;
    }

    /**
     * Copies the directory of {@link #tenSyncedRecordsOnDisk} to {@code crashed} while the log is
     * open (what a crash leaves: the active segment still ends in zeros), then closes the original;
     * returns the segment's logical size.
     */
    private long crashCopyOfTenSyncedRecords(Path crashed) throws IOException {
        SegmentedLog log = tenSyncedRecordsOnDisk();
        long logical = log.segments().get(0).bytes();
        copyDirectory(dir, crashed);
        closeQuietly(log);
        return logical;
    }

    private static void copyDirectory(Path from, Path to) throws IOException {
        try (var files = Files.list(from)) {
            for (Path p : files.toList()) {
                Files.copy(p, to.resolve(p.getFileName()));
            }
        }
    }

    private static void flipBit(Path file, long offset) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(offset);
            int b = f.read();
            f.seek(offset);
            f.write(b ^ 0x10);
        }
    }

    private static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(i);
        }
        return out;
    }
}
