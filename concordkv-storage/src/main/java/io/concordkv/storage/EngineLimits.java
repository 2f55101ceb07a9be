package io.concordkv.storage;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;

/**
 * Size limits an engine enforces on every request.
 *
 * @param maxKeyBytes largest key, default 64 KiB
 * @param maxValueBytes largest value, default 8 MiB
 * @param maxBatchBytes largest write batch (sum of its keys and values), default 64 MiB
 */
public record EngineLimits(int maxKeyBytes, int maxValueBytes, long maxBatchBytes) {
    public static final int DEFAULT_MAX_KEY_BYTES = 64 * 1024;
    public static final int DEFAULT_MAX_VALUE_BYTES = 8 * 1024 * 1024;
    public static final long DEFAULT_MAX_BATCH_BYTES = 64L * 1024 * 1024;

    public EngineLimits {
        if (maxKeyBytes < 1 || maxValueBytes < 0 || maxBatchBytes < 1) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "limits must be positive: maxKeyBytes="
                + maxKeyBytes + " maxValueBytes=" + maxValueBytes + " maxBatchBytes=" + maxBatchBytes);
        }
    }

    /** The defaults: 64 KiB keys, 8 MiB values, 64 MiB batches. */
    public static EngineLimits defaults() {
        return new EngineLimits(DEFAULT_MAX_KEY_BYTES, DEFAULT_MAX_VALUE_BYTES, DEFAULT_MAX_BATCH_BYTES);
    }

    /** Throws unless {@code key} is non-empty and within the key limit. */
    public void checkKey(Bytes key) {
        if (key == null || key.isEmpty()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "key must not be empty");
        }
        if (key.length() > maxKeyBytes) {
            throw new KvException(ErrorCode.KEY_TOO_LARGE,
                "key of " + key.length() + " bytes exceeds the limit of " + maxKeyBytes);
        }
    }

    /** Throws unless every key and value of {@code batch} and its total size are within the limits. */
    public void checkBatch(WriteBatch batch) {
        if (batch.payloadBytes() > maxBatchBytes) {
            throw new KvException(ErrorCode.REQUEST_TOO_LARGE, "write batch of " + batch.payloadBytes()
                + " bytes exceeds the limit of " + maxBatchBytes);
        }
        for (WriteBatch.Op op : batch.ops()) {
            checkKey(op.key());
            if (op instanceof WriteBatch.Put put) {
                checkValue(put.value());
            } else if (op instanceof WriteBatch.DeleteRange range) {
                checkKey(range.to());
            }
        }
    }

    /** Throws unless {@code value} is present and within the value limit. */
    public void checkValue(Bytes value) {
        if (value == null) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "value must not be null");
        }
        if (value.length() > maxValueBytes) {
            throw new KvException(ErrorCode.VALUE_TOO_LARGE,
                "value of " + value.length() + " bytes exceeds the limit of " + maxValueBytes);
        }
    }
}
