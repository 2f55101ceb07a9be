package io.concordkv.raft.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One membership change: add a voter (or promote a learner), add a learner, or remove a member.
 * {@code context} is opaque to Raft (the runtime stores the member's name and peer address there).
 * Changes are applied one at a time (see the package documentation).
 */
public record ConfChange(Type type, long nodeId, byte[] context) {
    /** The kinds of change, with the code each has in the log (never reuse or renumber one). */
    public enum Type {
        ADD_VOTER(1), ADD_LEARNER(2), REMOVE(3);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        static Type of(int code) {
            for (Type t : values()) {
                if (t.code == code) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown membership change code " + code);
        }
    }

    public ConfChange {
        if (nodeId <= 0) {
            throw new IllegalArgumentException("member ids are positive: " + nodeId);
        }
        java.util.Objects.requireNonNull(type, "type");
        java.util.Objects.requireNonNull(context, "context");
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + context.length);
        b.put((byte) type.code).putLong(nodeId).putInt(context.length).put(context);
        return b.array();
    }

    /**
     * @throws IllegalArgumentException when {@code data} is not an encoded change
     */
    public static ConfChange decode(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        if (b.remaining() < 13) {
            throw new IllegalArgumentException("membership change of " + data.length + " bytes is truncated");
        }
        Type t = Type.of(b.get());
        long id = b.getLong();
        int n = b.getInt();
        if (n < 0 || n != b.remaining()) {
            throw new IllegalArgumentException("membership change context of " + n + " bytes, " + b.remaining() + " left");
        }
        byte[] ctx = new byte[n];
        b.get(ctx);
        return new ConfChange(t, id, ctx);
    }

    public String contextUtf8() {
        return new String(context, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ConfChange{" + type + " " + nodeId + "}";
    }
}
