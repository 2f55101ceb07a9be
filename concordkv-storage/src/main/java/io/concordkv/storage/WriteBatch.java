package io.concordkv.storage;

import io.concordkv.api.Bytes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * An immutable, ordered list of puts and deletes applied atomically by
 * {@link StorageEngine#write(WriteBatch)}. When a key appears more than once, the last operation
 * on it wins.
 */
public final class WriteBatch {

    /** One operation of a batch. */
    public sealed interface Op permits Put, Delete {
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

    private final List<Op> ops;
    private final long payloadBytes;

    private WriteBatch(List<Op> ops) {
        this.ops = List.copyOf(ops);
        long bytes = 0;
        for (Op op : this.ops) {
            bytes += op.key().length();
            if (op instanceof Put put) {
                bytes += put.value().length();
            }
        }
        this.payloadBytes = bytes;
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

        public WriteBatch build() {
            return new WriteBatch(ops);
        }
    }
}
