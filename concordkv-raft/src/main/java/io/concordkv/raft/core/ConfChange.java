package io.concordkv.raft.core;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * One membership change: add a voter (or promote a learner), add a learner, or remove a member.
 * {@code context} is opaque to Raft (the runtime stores the member's name and peer address there).
 * Changes are applied one at a time (see the package documentation).
 */
public record ConfChange(Type type, long nodeId, byte[] context) {
    /** The kinds of change. */
    public enum Type { ADD_VOTER, ADD_LEARNER, REMOVE }

    public ConfChange {
        if (nodeId <= 0) {
            throw new IllegalArgumentException("member ids are positive: " + nodeId);
        }
    }

    public byte[] encode() {
        ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + context.length);
        b.put((byte) type.ordinal()).putLong(nodeId).putInt(context.length).put(context);
        return b.array();
    }

    public static ConfChange decode(byte[] data) {
        ByteBuffer b = ByteBuffer.wrap(data);
        Type t = Type.values()[b.get()];
        long id = b.getLong();
        byte[] ctx = new byte[b.getInt()];
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
