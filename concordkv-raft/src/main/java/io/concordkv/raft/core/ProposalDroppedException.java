package io.concordkv.raft.core;

/**
 * A proposal (or read, or leadership transfer) the core could not accept: no leader is known, a
 * leadership transfer is under way, or a membership change is already pending. The message says
 * which; {@link #leaderHint()} names the leader when one is known (else 0). Retryable;
 * {@link #awaitsLeader()} says whether it is only for want of a leader, which an election or the
 * end of a transfer brings: nothing was appended, so the same proposal may simply go again then.
 */
public final class ProposalDroppedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long leaderHint;
    private final boolean awaitsLeader;

    public ProposalDroppedException(String message, long leaderHint) {
        this(message, leaderHint, false);
    }

    public ProposalDroppedException(String message, long leaderHint, boolean awaitsLeader) {
        super(message, null, false, false);
        this.leaderHint = leaderHint;
        this.awaitsLeader = awaitsLeader;
    }

    public long leaderHint() {
        return leaderHint;
    }

    /** Whether a leader able to take the proposal is all that is missing (an election, a transfer). */
    public boolean awaitsLeader() {
        return awaitsLeader;
    }
}
