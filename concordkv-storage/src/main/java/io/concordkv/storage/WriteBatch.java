package io.concordkv.storage;

import io.concordkv.api.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, ordered list of puts, deletes and range deletes applied atomically by
 * {@link StorageEngine#write(WriteBatch)}, in order: when a key is touched more than once, the
 * last operation on it wins.
 */
public final class WriteBatch {

    /** One operation of a batch. */
    public sealed interface Op permits Put, Delete, DeleteRange {
        /** The key written, or for a {@link DeleteRange} the first key of the range. */
        Bytes key();
    }

    /** Store {@code value} under {@code key}. */
    public record Put(Bytes key, Bytes value) implements Op {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Remove {@code key}. */
    public record Delete(Bytes key) implements Op {
        public Delete {
            Objects.requireNonNull(key, "key");
        }
    }

    /**
     * Remove every key {@code k} with {@code from <= k < to} (unsigned byte order): one operation
     * in the log however many keys it removes. Engines apply it by visiting the range (the
     * {@code hash} engine, which has no order, by visiting every key).
     */
    public record DeleteRange(Bytes from, Bytes to) implements Op {
        public DeleteRange {
            Objects.requireNonNull(from, "from");
            Objects.requireNonNull(to, "to");
            if (from.compareTo(to) >= 0) {
                throw new io.concordkv.api.KvException(io.concordkv.api.ErrorCode.INVALID_ARGUMENT,
                    "range delete from " + from + " must start before its end " + to);
            }
        }

        @Override
        public Bytes key() {
            return from;
        }

        /** Whether {@code key} is in the range. */
        public boolean contains(Bytes key) {
            return from.compareTo(key) <= 0 && key.compareTo(to) < 0;
        }
    }

    private final List<Op> ops;
    private final long payloadBytes;
    private final boolean hasRangeDeletes;

    private WriteBatch(List<Op> ops) {
        this.ops = List.copyOf(ops);
        long bytes = 0;
        boolean ranges = false;
        for (Op op : this.ops) {
            bytes += op.key().length();
            if (op instanceof Put put) {
                bytes += put.value().length();
            } else if (op instanceof DeleteRange range) {
                bytes += range.to().length();
                ranges = true;
            }
        }
        this.payloadBytes = bytes;
        this.hasRangeDeletes = ranges;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A batch of exactly {@code ops}, in order. */
    public static WriteBatch of(List<? extends Op> ops) {
        return new WriteBatch(new ArrayList<>(ops));
    }

    /** The operations, in order. */
    public List<Op> ops() {
        return ops;
    }

    public int size() {
        return ops.size();
    }

    public boolean isEmpty() {
        return ops.isEmpty();
    }

    /** Whether any operation is a {@link DeleteRange}. */
    public boolean hasRangeDeletes() {
        return hasRangeDeletes;
    }

    /** Sum of the key and value lengths of every operation. */
    public long payloadBytes() {
        return payloadBytes;
    }

    /** Collects operations for a batch; not thread-safe. */
    public static final class Builder {
        private final List<Op> ops = new ArrayList<>();

        private Builder() {
        }

        public Builder put(Bytes key, Bytes value) {
            ops.add(new Put(key, value));
            return this;
        }

        public Builder delete(Bytes key) {
            ops.add(new Delete(key));
            return this;
        }

        /** Removes every key in {@code [from, to)}. */
        public Builder deleteRange(Bytes from, Bytes to) {
            ops.add(new DeleteRange(from, to));
            return this;
        }

        public WriteBatch build() {
            return new WriteBatch(ops);
        }
    }
}
