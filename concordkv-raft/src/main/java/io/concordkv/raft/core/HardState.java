package io.concordkv.raft.core;

/**
 * The state a member must persist before it sends any message that depends on it: its current
 * term, whom it voted for in that term ({@code 0} for nobody), and the commit index it knows.
 */
public record HardState(long term, long vote, long commit) {
    public static final HardState EMPTY = new HardState(0, 0, 0);

    public boolean isEmpty() {
        return term == 0 && vote == 0 && commit == 0;
    }
}
