package io.concordkv.server.cluster;

import io.concordkv.api.KvException;
import io.concordkv.raft.core.Role;
import io.concordkv.raft.node.Member;
import io.concordkv.raft.node.RaftNodeOptions;
import io.concordkv.raft.node.RaftRuntime;
import io.concordkv.raft.node.RuntimeStatus;
import io.concordkv.raft.transport.TransportConfig;
import io.concordkv.server.apply.CommandCodec;
import io.concordkv.server.apply.CommandLog;
import io.concordkv.server.apply.KvStateMachine;
import io.concordkv.server.apply.WriteCommand;
import io.concordkv.server.service.Replication;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A node's writes through a Raft group: commands are proposed to the {@link RaftRuntime} (on a
 * follower the core forwards them to the leader) and answered with the result of applying them
 * on this member; linearizable reads wait for a ReadIndex round; the leader alone expires leases.
 */
public final class RaftReplication implements Replication {
    private final Member self;
    private final List<Member> initial;
    private final boolean bootstrap;
    private final long clusterId;
    private final RaftNodeOptions options;
    private final List<String> clientUrls;
    private final SecureRandom leaseIds = new SecureRandom();
    private final ExecutorService readers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "concordkv-linearizable-read");
        t.setDaemon(true);
        return t;
    });
    private volatile RaftRuntime runtime;
    private volatile boolean closed;

    /**
     * @param self this member (its name and peer address)
     * @param initial the initial members, including {@code self}
     * @param bootstrap whether they form a new cluster (else this member joins a running one)
     * @param clientUrls this member's client URLs, for MemberList
     */
    public RaftReplication(Member self, List<Member> initial, boolean bootstrap, long clusterId,
                           RaftNodeOptions options, List<String> clientUrls) {
        this.self = self;
        this.bootstrap = bootstrap;
        this.initial = List.copyOf(initial);
        this.clusterId = clusterId;
        this.options = options;
        this.clientUrls = List.copyOf(clientUrls);
    }

    @Override
    public CommandLog log(KvStateMachine machine) {
        runtime = RaftRuntime.start(self, initial, bootstrap, clusterId, new KvRaftStateMachine(machine), options,
            TransportConfig.defaults());
        publishAttributes();
        return new CommandLog() {
            @Override
            public Object append(WriteCommand command) {
                try {
                    return appendAsync(command).join();
                } catch (CompletionException e) {
                    throw e.getCause() instanceof RuntimeException r ? r : e;
                }
            }

            @Override
            public CompletableFuture<Object> appendAsync(WriteCommand command) {
                WriteCommand c = command;
                if (c instanceof WriteCommand.LeaseGrant g && g.id() == 0) {
                    c = new WriteCommand.LeaseGrant(newLeaseId(), g.ttlSeconds()); // every member must apply the same id
                }
                try {
                    return runtime.propose(CommandCodec.encode(c));
                } catch (KvException e) {
                    return CompletableFuture.failedFuture(e);
                }
            }

            @Override
            public long appliedIndex() {
                return runtime.status().appliedIndex();
            }
        };
    }

    private long newLeaseId() {
        long id;
        do {
            id = leaseIds.nextLong() & 0x7fff_ffff_ffffL;
        } while (id == 0);
        return id;
    }

    @Override
    public CompletableFuture<Void> readBarrier(Executor continueOn) {
        return runtime.readBarrier().thenApplyAsync(v -> v, continueOn != null ? continueOn : readers);
    }

    @Override
    public void ensureServing() {
        runtime.ensureMember();
    }

    @Override
    public boolean decidesLeaseExpiry() {
        return runtime.status().role() == Role.LEADER;
    }

    @Override
    public boolean logsKeepAlives() {
        return true;
    }

    @Override
    public RaftState raftState() {
        RuntimeStatus s = runtime.status();
        return new RaftState(s.leader(), s.term(), s.commitIndex(), s.appliedIndex());
    }

    @Override
    public long raftTerm() {
        return runtime.status().term();
    }

    @Override
    public List<MemberView> members() {
        List<MemberView> out = new ArrayList<>();
        for (Member m : runtime.status().members()) {
            List<String> urls = m.id() == self.id() ? clientUrls
                : m.clientUrls().isEmpty() ? List.of() : List.of(m.clientUrls().split(","));
            out.add(new MemberView(m.id(), m.name(), List.of("http://" + m.peer().getHostString() + ":"
                + m.peer().getPort()), urls, m.learner()));
        }
        return out;
    }

    @Override
    public CompletableFuture<MemberView> addMember(List<String> peerUrls, boolean learner) {
        if (peerUrls.isEmpty()) {
            return CompletableFuture.failedFuture(new KvException(io.concordkv.api.ErrorCode.INVALID_ARGUMENT,
                "etcdserver: member peer URLs are required"));
        }
        java.net.InetSocketAddress peer = InitialCluster.peerAddress(peerUrls.get(0));
        long id = InitialCluster.memberId(peer);
        if (runtime.status().members().stream().anyMatch(m -> m.id() == id)) {
            return CompletableFuture.failedFuture(new KvException(io.concordkv.api.ErrorCode.ALREADY_EXISTS,
                "etcdserver: Peer URLs already exists"));
        }
        Member m = new Member(id, "", peer, "", learner);
        return runtime.addMember(m).thenApply(v -> new MemberView(id, "", List.copyOf(peerUrls), List.of(), learner));
    }

    @Override
    public CompletableFuture<Void> removeMember(long id) {
        return member(id).isEmpty() ? CompletableFuture.failedFuture(memberNotFound()) : runtime.removeMember(id);
    }

    private java.util.Optional<Member> member(long id) {
        return runtime.status().members().stream().filter(m -> m.id() == id).findFirst();
    }

    /** etcd's ErrGRPCMemberNotFound. */
    private static KvException memberNotFound() {
        return new KvException(io.concordkv.api.ErrorCode.NOT_FOUND, "etcdserver: member not found");
    }

    @Override
    public CompletableFuture<Void> promoteMember(long id) {
        java.util.Optional<Member> m = member(id);
        if (m.isEmpty()) {
            return CompletableFuture.failedFuture(memberNotFound());
        }
        if (!m.get().learner()) {
            // etcd's ErrGRPCMemberNotLearner
            return CompletableFuture.failedFuture(new KvException(io.concordkv.api.ErrorCode.FAILED_PRECONDITION,
                "etcdserver: can only promote a learner member"));
        }
        try {
            return runtime.promoteMember(id);
        } catch (KvException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Void> moveLeader(long id) {
        if (member(id).filter(m -> !m.learner()).isEmpty()) {
            return CompletableFuture.failedFuture(Replication.badTransferee());
        }
        return runtime.transferLeadership(id);
    }

    /**
     * Records this member's name and client URLs in the replicated member table (a member added by
     * MemberAdd is known only by its peer URL; initial members by name and peer URL), retrying in
     * the background until the table shows them.
     */
    private void publishAttributes() {
        Thread t = new Thread(() -> {
            while (runtime != null && !closed) {
                java.util.Optional<Member> mine = runtime.status().members().stream()
                    .filter(m -> m.id() == self.id()).findFirst();
                if (mine.isPresent() && mine.get().name().equals(self.name())
                    && mine.get().clientUrls().equals(self.clientUrls())) {
                    return;
                }
                // only once our own entry is applied do we know our role, which publishing must keep
                if (mine.isPresent() && runtime.status().leader() != 0) {
                    try {
                        runtime.addMember(self.withLearner(mine.get().learner())).get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // retried below: no leader yet, or another membership change was pending
                    }
                }
                java.util.concurrent.locks.LockSupport.parkNanos(200_000_000L);
            }
        }, "concordkv-publish-member");
        t.setDaemon(true);
        t.start();
    }

    public Member self() {
        return self;
    }

    public RaftRuntime runtime() {
        return runtime;
    }

    @Override
    public void close() {
        closed = true;
        readers.shutdown();
        if (runtime != null) {
            runtime.close();
        }
    }
}
