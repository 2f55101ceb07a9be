package io.concordkv.storage.log;

import io.concordkv.storage.fs.FileIo;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * Reads one segment file and checks it record by record, handing every valid record to a
 * visitor and stopping at the first bad one. Stateless; the file is read whole (segments are
 * bounded by the rotation size).
 */
final class SegmentScanner {
    /** Largest record accepted: a sanity bound against a corrupted length field. */
    static final int MAX_RECORD_BYTES = 256 * 1024 * 1024;

    /**
     * What a scan found.
     *
     * @param firstIndex the header's first index
     * @param generation the header's generation
     * @param lastIndex the last valid record's index, or {@code firstIndex - 1} if none
     * @param records number of valid records
     * @param validBytes bytes up to the end of the last valid record
     * @param fileBytes size of the file
     * @param problem why scanning stopped early, or {@code null} when the whole file is valid
     * @param tornTail whether the problem looks like a write cut short at the end of the file
     * @param unusedTail whether the "problem" is only zeros from the end of the last valid record to
     *     the end of the file: space a log writer allocated ahead (see {@link FileIo#openLog}) and
     *     a crash left in place; also a {@code tornTail}
     */
    record Result(long firstIndex, int generation, long lastIndex, long records, long validBytes,
                  long fileBytes, String problem, boolean tornTail, boolean unusedTail) {
        boolean clean() {
            return problem == null;
        }

        long problemOffset() {
            return validBytes;
        }
    }

    private SegmentScanner() {
    }

    /**
     * Scans {@code file}; records must have indexes above {@code previousIndex}.
     */
    static Result scan(FileIo io, Path file, long previousIndex, Consumer<LogRecord> visitor) throws IOException {
        byte[] bytes = io.readAll(file);
        ByteBuffer b = ByteBuffer.wrap(bytes);
        if (bytes.length < LogFormat.HEADER_BYTES || !headerValid(bytes)) {
            return new Result(0, 0, previousIndex, 0, 0, bytes.length, "bad segment header", false, false);
        }
        long firstIndex = b.getLong(8);
        int generation = b.getInt(16);
        long last = Math.max(previousIndex, firstIndex - 1);
        long count = 0;
        int pos = LogFormat.HEADER_BYTES;
        int zerosFrom = zeroRunStart(bytes);
        while (pos < bytes.length) {
            if (pos >= zerosFrom) {
                return new Result(firstIndex, generation, last, count, pos, bytes.length,
                    "unused space (" + (bytes.length - pos) + " zero bytes)", true, true);
            }
            String problem = null;
            int remaining = bytes.length - pos;
            long declaredEnd = Long.MAX_VALUE;
            if (remaining < LogFormat.RECORD_PREFIX_BYTES + LogFormat.RECORD_FIXED_BODY_BYTES) {
                problem = "incomplete record (" + remaining + " bytes left)";
            } else {
                int length = b.getInt(pos);
                declaredEnd = (long) pos + LogFormat.RECORD_PREFIX_BYTES + length;
                if (length < LogFormat.RECORD_FIXED_BODY_BYTES || length > MAX_RECORD_BYTES) {
                    problem = "invalid record length " + length;
                } else if (declaredEnd > bytes.length) {
                    problem = "record of " + length + " bytes runs past the end of the file";
                } else if (b.getInt(pos + 4) != LogFormat.recordCrc(b, pos, length)) {
                    problem = "checksum mismatch";
                } else {
                    long index = b.getLong(pos + LogFormat.RECORD_PREFIX_BYTES + 1);
                    if (index <= last) {
                        problem = "record index " + index + " not above " + last;
                    } else {
                        byte type = b.get(pos + LogFormat.RECORD_PREFIX_BYTES);
                        int payloadStart = pos + LogFormat.RECORD_PREFIX_BYTES + LogFormat.RECORD_FIXED_BODY_BYTES;
                        visitor.accept(new LogRecord(index, type,
                            Arrays.copyOfRange(bytes, payloadStart, (int) declaredEnd)));
                        last = index;
                        count++;
                        pos = (int) declaredEnd;
                        continue;
                    }
                }
            }
            // cut short by the end of the file, or by the zeros after it (a crash amid preallocated space)
            boolean torn = declaredEnd >= zerosFrom;
            return new Result(firstIndex, generation, last, count, pos, bytes.length, problem, torn, false);
        }
        return new Result(firstIndex, generation, last, count, pos, bytes.length, null, false, false);
    }

    private static boolean headerValid(byte[] bytes) {
        if (!Arrays.equals(bytes, 0, 8, LogFormat.MAGIC, 0, 8)) {
            return false;
        }
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 20);
        return ByteBuffer.wrap(bytes).getInt(20) == (int) crc.getValue();
    }

    /** Where the run of zero bytes that ends the array starts ({@code bytes.length} if it ends otherwise). */
    private static int zeroRunStart(byte[] bytes) {
        int i = bytes.length;
        while (i > 0 && bytes[i - 1] == 0) {
            i--;
        }
        return i;
    }
}
