package io.concordkv.raft.core;

import java.util.List;
import java.util.Optional;

/**
 * What the core asks its runtime to do, in this order: persist {@code hardState} (if present),
 * {@code entries} and {@code snapshot} (durably, with one fsync); send {@code messages}; install
 * {@code snapshot} into the state machine; apply {@code committedEntries} in order; serve the reads
 * in {@code readStates} once applied past their index; then call {@link RaftNode#advance}.
 * When {@link #sendBeforePersist()} is true the messages may be sent before (or while) persisting —
 * a leader's appends and heartbeats do not depend on its own unpersisted entries, because a leader
 * counts its own entries toward a majority only once the runtime reports them persisted.
 *
 * @param leader the leader this member knows (0 for none)
 * @param role this member's role
 * @param term this member's term
 * @param termOrVoteChanged whether the hard state's term or vote changed (not just its commit index)
 */
public record Ready(long leader, Role role, long term, Optional<HardState> hardState, List<Entry> entries,
                    Snapshot snapshot, List<Entry> committedEntries, List<Message> messages,
                    List<ReadState> readStates, boolean sendBeforePersist, boolean termOrVoteChanged) {
    /**
     * Whether persisting this Ready needs an fsync: new entries, a snapshot, or a new term or vote
     * (what later messages depend on). A hard state whose only change is the commit index is written
     * without one, as etcd does: a commit index recovered lower after a crash is learnt again from
     * the leader, and no acknowledgement depends on it.
     */
    public boolean mustSync() {
        return !entries.isEmpty() || termOrVoteChanged || !snapshot.isEmpty();
    }
}
