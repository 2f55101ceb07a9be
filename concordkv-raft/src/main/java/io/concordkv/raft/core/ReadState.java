package io.concordkv.raft.core;

/**
 * The answer to a linearizable read request: once this member has applied up to {@code index},
 * it may serve the read identified by {@code context}. An index of {@link #DROPPED} means the
 * request was dropped (leadership changed before it was confirmed): retry it.
 */
public record ReadState(long index, byte[] context) {
    public static final long DROPPED = -1;

    public boolean dropped() {
        return index == DROPPED;
    }
}
