package io.concordkv.raft.transport;

import io.concordkv.raft.core.Message;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The bounded queue of messages waiting for one peer, limited both in messages and in bytes. A
 * message that does not fit is refused, never waited for: Raft tolerates the loss, and a sender
 * that blocked here would stall the Raft runtime behind a slow peer.
 *
 * <p>Threads: many producers (callers of {@code send}) and one consumer (the peer's event loop).
 * A private lock guards the deque and the two totals; nothing slow happens under it.
 */
final class PeerQueue {
    /**
     * A queued message: {@code size} is the encoded size of what goes in its frame (the whole message,
     * or, when {@code chunked}, the message without its snapshot image, which follows in chunks). The
     * size is what the message costs against the byte limit.
     */
    record Pending(Message message, int size, boolean chunked) {
    }

    private final Object lock = new Object();
    private final ArrayDeque<Pending> items = new ArrayDeque<>();
    private final int maxMessages;
    private final long maxBytes;
    private long bytes;

    PeerQueue(int maxMessages, long maxBytes) {
        this.maxMessages = maxMessages;
        this.maxBytes = maxBytes;
    }

    /** Adds {@code p} when both limits allow it; otherwise leaves the queue as it was. */
    boolean offer(Pending p) {
        synchronized (lock) {
            if (items.size() >= maxMessages || bytes + p.size() > maxBytes) {
                return false;
            }
            items.addLast(p);
            bytes += p.size();
            return true;
        }
    }

    /** The oldest message, or {@code null} when none waits. */
    Pending poll() {
        synchronized (lock) {
            Pending p = items.pollFirst();
            if (p != null) {
                bytes -= p.size();
            }
            return p;
        }
    }

    /** Empties the queue, returning what was in it, oldest first. */
    List<Pending> clear() {
        synchronized (lock) {
            List<Pending> all = new ArrayList<>(items);
            items.clear();
            bytes = 0;
            return all;
        }
    }

    boolean isEmpty() {
        synchronized (lock) {
            return items.isEmpty();
        }
    }

    int size() {
        synchronized (lock) {
            return items.size();
        }
    }

    long bytes() {
        synchronized (lock) {
            return bytes;
        }
    }
}
