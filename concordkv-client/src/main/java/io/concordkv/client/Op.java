package io.concordkv.client;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.util.Objects;

/**
 * One key-value operation: a read ({@link Get}), a write ({@link Put}) or a deletion
 * ({@link Delete}). Used alone, in a {@link Txn}, or in a batch. Immutable; the {@code with...}
 * methods return changed copies.
 *
 * <p>A range is {@code [key, rangeEnd)}; an empty {@code rangeEnd} means the single key {@code key};
 * a {@code rangeEnd} of one zero byte means every key from {@code key} on (etcd's convention).
 */
public sealed interface Op permits Op.Get, Op.Put, Op.Delete {

    /** The key the operation addresses (the start of its range); consistent hashing routes on it. */
    Bytes key();

    /** Whether the client may send this operation again after a failure it cannot see the end of. */
    boolean retrySafe();

    /** Reads one key. */
    static Get get(Bytes key) {
        return new Get(key, Bytes.EMPTY, 0, 0, false, false, false);
    }

    /** Reads every key starting with {@code prefix}. */
    static Get prefix(Bytes prefix) {
        return new Get(prefix, KeyRanges.prefixEnd(prefix), 0, 0, false, false, false);
    }

    /** Reads the keys in {@code [from, to)}. */
    static Get range(Bytes from, Bytes to) {
        return new Get(from, to, 0, 0, false, false, false);
    }

    /** Writes {@code value} under {@code key}. */
    static Put put(Bytes key, Bytes value) {
        return new Put(key, value, 0, false, false);
    }

    /** Deletes one key. */
    static Delete delete(Bytes key) {
        return new Delete(key, Bytes.EMPTY, false, false);
    }

    /** Deletes every key starting with {@code prefix}. */
    static Delete deletePrefix(Bytes prefix) {
        return new Delete(prefix, KeyRanges.prefixEnd(prefix), false, false);
    }

    /** Deletes the keys in {@code [from, to)}. */
    static Delete deleteRange(Bytes from, Bytes to) {
        return new Delete(from, to, false, false);
    }

    private static void checkKey(Bytes key, Bytes rangeEnd) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(rangeEnd, "rangeEnd");
        if (key.isEmpty()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "key is empty");
        }
    }

    /**
     * A range read.
     *
     * @param key the key, or the start of the range
     * @param rangeEnd exclusive end of the range, empty for a single key
     * @param limit most keys to return, 0 for no limit
     * @param revision revision to read at, 0 for the latest
     * @param keysOnly return keys without values
     * @param countOnly return only the count of keys
     * @param serializable allow a serializable (possibly stale, local) read
     */
    record Get(Bytes key, Bytes rangeEnd, long limit, long revision, boolean keysOnly,
               boolean countOnly, boolean serializable) implements Op {
        public Get {
            checkKey(key, rangeEnd);
            if (limit < 0 || revision < 0) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "limit and revision must be >= 0");
            }
        }

        public Get withLimit(long n) {
            return new Get(key, rangeEnd, n, revision, keysOnly, countOnly, serializable);
        }

        public Get atRevision(long rev) {
            return new Get(key, rangeEnd, limit, rev, keysOnly, countOnly, serializable);
        }

        public Get withKeysOnly() {
            return new Get(key, rangeEnd, limit, revision, true, countOnly, serializable);
        }

        public Get withCountOnly() {
            return new Get(key, rangeEnd, limit, revision, keysOnly, true, serializable);
        }

        public Get withSerializable() {
            return new Get(key, rangeEnd, limit, revision, keysOnly, countOnly, true);
        }

        /** Reads never change state: always safe to retry. */
        @Override
        public boolean retrySafe() {
            return true;
        }
    }

    /**
     * A write.
     *
     * @param key the key
     * @param value the new value
     * @param lease lease to attach the key to, 0 for none
     * @param prevKv return the key-value before the write
     * @param idempotent the caller declares that writing twice is harmless, so it may be retried
     */
    record Put(Bytes key, Bytes value, long lease, boolean prevKv, boolean idempotent) implements Op {
        public Put {
            checkKey(key, Bytes.EMPTY);
            Objects.requireNonNull(value, "value");
        }

        public Put withLease(long leaseId) {
            return new Put(key, value, leaseId, prevKv, idempotent);
        }

        public Put withPrevKv() {
            return new Put(key, value, lease, true, idempotent);
        }

        /** Marks the write safe to send again (retries and failover apply to it). */
        public Put asIdempotent() {
            return new Put(key, value, lease, prevKv, true);
        }

        @Override
        public boolean retrySafe() {
            return idempotent;
        }
    }

    /**
     * A deletion of one key or a range.
     *
     * @param key the key, or the start of the range
     * @param rangeEnd exclusive end of the range, empty for a single key
     * @param prevKv return the deleted key-values
     * @param idempotent the caller declares that deleting twice is harmless, so it may be retried
     */
    record Delete(Bytes key, Bytes rangeEnd, boolean prevKv, boolean idempotent) implements Op {
        public Delete {
            checkKey(key, rangeEnd);
        }

        public Delete withPrevKv() {
            return new Delete(key, rangeEnd, true, idempotent);
        }

        /** Marks the deletion safe to send again (retries and failover apply to it). */
        public Delete asIdempotent() {
            return new Delete(key, rangeEnd, prevKv, true);
        }

        @Override
        public boolean retrySafe() {
            return idempotent;
        }
    }
}
