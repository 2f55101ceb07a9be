package io.concordkv.raft.core;

/**
 * One Raft log entry. {@code data} is opaque to Raft for {@link Type#NORMAL} entries (an empty
 * array is the no-op a new leader appends); for {@link Type#CONF_CHANGE} it is a
 * {@link ConfChange#encode() encoded} membership change. Immutable; callers must not modify data.
 */
public record Entry(long term, long index, Type type, byte[] data) {
    /** What an entry carries. */
    public enum Type { NORMAL, CONF_CHANGE }

    public Entry {
        if (term < 0 || index < 1) {
            throw new IllegalArgumentException("bad entry term " + term + " index " + index);
        }
    }

    public static Entry normal(long term, long index, byte[] data) {
        return new Entry(term, index, Type.NORMAL, data);
    }

    /** Bytes this entry costs in a batch (payload plus a fixed header), for size limits. */
    public long size() {
        return data.length + 24L;
    }

    @Override
    public String toString() {
        return "Entry{" + term + "/" + index + (type == Type.NORMAL ? "" : " " + type) + " " + data.length + "B}";
    }
}
