package io.concordkv.server.service;

import io.concordkv.server.apply.CommandLog;
import io.concordkv.server.apply.KvStateMachine;
import io.concordkv.server.apply.LocalCommandLog;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * How a node's writes are ordered and its reads made linearizable: alone ({@link #standalone()}:
 * the store's own log orders commands, every read is already linearizable) or through a consensus
 * group (the server's cluster package). Also what status and membership calls report.
 */
public interface Replication extends AutoCloseable {
    /** The consensus state for status calls. */
    record RaftState(long leader, long term, long commitIndex, long appliedIndex) { }

    /** A member as MemberList reports it. */
    record MemberView(long id, String name, List<String> peerUrls, List<String> clientUrls, boolean learner) { }

    /** The command log that feeds {@code machine} (called once, by the service being built). */
    CommandLog log(KvStateMachine machine);

    /**
     * Completes once this member may serve a linearizable read (it has applied what was committed),
     * on {@code continueOn} when it has to wait (null: a thread of the replication's own, never the
     * one that applies the log).
     */
    CompletableFuture<Void> readBarrier(Executor continueOn);

    /**
     * Throws {@code UNAVAILABLE} when this node may no longer answer reads of its own store, even
     * serializable ones: a member removed from its cluster, whose data no longer changes.
     */
    default void ensureServing() {
    }

    /** Whether this member decides lease expiry (the leader, or the only member). */
    boolean decidesLeaseExpiry();

    /** Whether lease keep-alives go through the log (so that every member, and a new leader, sees them). */
    boolean logsKeepAlives();

    RaftState raftState();

    /** The raft term now, as every etcd response header carries it; cheap enough for each response. */
    default long raftTerm() {
        return raftState().term();
    }

    /**
     * Whether interactive transactions may commit straight into this member's store (true alone;
     * in a cluster they commit through the log instead).
     */
    default boolean localTransactions() {
        return false;
    }

    List<MemberView> members();

    /** Adds a member (a learner when asked) with these peer URLs; completes once the change is applied here. */
    default CompletableFuture<MemberView> addMember(List<String> peerUrls, boolean learner) {
        return CompletableFuture.failedFuture(single());
    }

    default CompletableFuture<Void> removeMember(long id) {
        return CompletableFuture.failedFuture(single());
    }

    default CompletableFuture<Void> promoteMember(long id) {
        return CompletableFuture.failedFuture(single());
    }

    /**
     * Hands leadership to member {@code id}; completes once it leads. Fails with
     * {@code FAILED_PRECONDITION} "etcdserver: bad leader transferee", as etcd does, when {@code id}
     * is no voting member.
     */
    CompletableFuture<Void> moveLeader(long id);

    /** The failure of a leader transfer to a member that is no voting member. */
    static io.concordkv.api.KvException badTransferee() {
        return new io.concordkv.api.KvException(io.concordkv.api.ErrorCode.FAILED_PRECONDITION,
            "etcdserver: bad leader transferee");
    }

    private static io.concordkv.api.KvException single() {
        return new io.concordkv.api.KvException(io.concordkv.api.ErrorCode.UNSUPPORTED,
            "this node runs alone (no --initial-cluster): membership cannot change");
    }

    /** A single node: commands applied at once by {@link LocalCommandLog}; member {@code self}. */
    static Replication standalone(MemberView self) {
        return new Replication() {
            private LocalCommandLog log;

            @Override
            public CommandLog log(KvStateMachine machine) {
                log = new LocalCommandLog(machine);
                return log;
            }

            @Override
            public CompletableFuture<Void> readBarrier(Executor continueOn) {
                return CompletableFuture.completedFuture(null);
            }

            @Override
            public boolean decidesLeaseExpiry() {
                return true;
            }

            @Override
            public boolean logsKeepAlives() {
                return false;
            }

            @Override
            public boolean localTransactions() {
                return true;
            }

            @Override
            public RaftState raftState() {
                long applied = log == null ? 0 : log.appliedIndex();
                return new RaftState(self.id(), 1, applied, applied);
            }

            @Override
            public List<MemberView> members() {
                return List.of(self);
            }

            /** It leads already, so a transfer to itself is done at once, as in etcd. */
            @Override
            public CompletableFuture<Void> moveLeader(long id) {
                return id == self.id() ? CompletableFuture.completedFuture(null)
                    : CompletableFuture.failedFuture(Replication.badTransferee());
            }

            @Override
            public void close() {
            }
        };
    }
}
