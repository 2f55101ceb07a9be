package io.concordkv.raft.core;

/**
 * The leader's view of one follower: how far its log matches, what to send next, and how many
 * appends are in flight. States as in etcd's raft: PROBE (one append at a time until the match
 * point is found, retried with backoff), REPLICATE (appends pipelined up to a bound), SNAPSHOT
 * (a snapshot is on its way; nothing else is sent). Not thread-safe.
 */
final class Progress {
    enum State { PROBE, REPLICATE, SNAPSHOT }

    /** A lost probe is retried after 1, 2, then 4 heartbeat responses at most (etcd: every one). */
    private static final int MAX_PROBE_BACKOFF = 4;

    long match;
    long next;
    State state = State.PROBE;
    /** In REPLICATE: last index of each append in flight, oldest first. */
    private final java.util.ArrayDeque<Long> inflight = new java.util.ArrayDeque<>();
    private final int maxInflight;
    /** In PROBE: an append was sent and no answer has come yet. */
    boolean probeSent;
    /** Ticks until a probe may be resent, and the current backoff. */
    int probeWait;
    int probeBackoff = 1;
    long pendingSnapshot;
    /** Heard from since the last check-quorum round. */
    boolean recentActive;
    /** Newest heartbeat round this follower acknowledged. */
    long ackedRound;
    /** Tick at which the round {@link #ackedRound} was sent. */
    long ackedTick = Long.MIN_VALUE / 2;
    boolean learner;

    Progress(long next, int maxInflight, boolean learner) {
        this.next = next;
        this.maxInflight = maxInflight;
        this.learner = learner;
    }

    void becomeProbe() {
        if (state == State.SNAPSHOT) {
            next = Math.max(match + 1, pendingSnapshot + 1);
        } else {
            next = match + 1;
        }
        reset(State.PROBE);
    }

    void becomeReplicate() {
        next = match + 1;
        reset(State.REPLICATE);
    }

    void becomeSnapshot(long snapshotIndex) {
        reset(State.SNAPSHOT);
        pendingSnapshot = snapshotIndex;
    }

    private void reset(State newState) {
        state = newState;
        probeSent = false;
        pendingSnapshot = 0;
        inflight.clear();
    }

    /** A successful response matched up to {@code index}; returns whether anything changed. */
    boolean maybeUpdate(long index) {
        boolean updated = false;
        if (match < index) {
            match = index;
            updated = true;
            probeSent = false;
            probeBackoff = 1;
        }
        next = Math.max(next, index + 1);
        while (!inflight.isEmpty() && inflight.peekFirst() <= index) {
            inflight.pollFirst();
        }
        return updated;
    }

    /**
     * A rejection of the append after {@code rejected}; {@code hint} is where the follower's log may
     * match. Returns false when the rejection is stale.
     */
    boolean maybeDecrTo(long rejected, long hint) {
        if (state == State.REPLICATE) {
            if (rejected <= match) {
                return false;
            }
            next = match + 1;
            return true;
        }
        if (next - 1 != rejected) {
            return false;
        }
        next = Math.max(Math.min(rejected, hint + 1), match + 1);
        probeSent = false;
        return true;
    }

    /** Records an append ending at {@code last} just sent. */
    void sentAppend(long last, int entries) {
        if (state == State.REPLICATE) {
            if (entries > 0) {
                next = last + 1;
                inflight.addLast(last);
            }
        } else if (state == State.PROBE) {
            probeSent = true;
            probeWait = probeBackoff;
            probeBackoff = Math.min(probeBackoff * 2, MAX_PROBE_BACKOFF);
        }
    }

    boolean isPaused() {
        return switch (state) {
            case PROBE -> probeSent;
            case REPLICATE -> inflight.size() >= maxInflight;
            case SNAPSHOT -> true;
        };
    }

    /** A heartbeat tick: lets a stalled probe be retried once its backoff has passed. */
    void onHeartbeatResponse() {
        if (state == State.PROBE && probeSent && --probeWait <= 0) {
            probeSent = false;
        }
    }

    /** The inflight window is full: free the oldest slot so a heartbeat response can unstick it. */
    void freeFirstInflight() {
        inflight.pollFirst();
    }

    @Override
    public String toString() {
        return state + "{match " + match + " next " + next + " inflight " + inflight.size() + "}";
    }
}
