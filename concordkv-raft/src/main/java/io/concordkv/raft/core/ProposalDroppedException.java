package io.concordkv.raft.core;

/**
 * A proposal (or read, or leadership transfer) the core could not accept: no leader is known, a
 * leadership transfer is under way, or a membership change is already pending. The message says
 * which; {@link #leaderHint()} names the leader when one is known (else 0). Retryable.
 */
public final class ProposalDroppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long leaderHint;

    public ProposalDroppedException(String message, long leaderHint) {
        super(message, null, false, false);
        this.leaderHint = leaderHint;
    }

    public long leaderHint() {
        return leaderHint;
    }
}
