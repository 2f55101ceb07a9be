package io.concordkv.storage.log;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FileIo;
import java.util.Objects;

/**
 * How a {@link SegmentedLog} is opened.
 *
 * @param io the file system (a fault-injecting one in tests)
 * @param segmentBytes a new segment starts once the current one passes this size; default 64 MiB
 * @param salvage on corruption, keep the valid prefix and drop the rest instead of failing
 */
public record LogOptions(FileIo io, long segmentBytes, boolean salvage) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;

    public LogOptions {
        Objects.requireNonNull(io, "io");
        if (segmentBytes < 1024) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "segmentBytes must be at least 1024, got " + segmentBytes);
        }
    }

    /** The real disk, 64 MiB segments, no salvage. */
    public static LogOptions defaults() {
        return new LogOptions(FileIo.disk(), DEFAULT_SEGMENT_BYTES, false);
    }

    public LogOptions withIo(FileIo newIo) {
        return new LogOptions(newIo, segmentBytes, salvage);
    }

    public LogOptions withSegmentBytes(long bytes) {
        return new LogOptions(io, bytes, salvage);
    }

    public LogOptions withSalvage(boolean on) {
        return new LogOptions(io, segmentBytes, on);
    }
}
