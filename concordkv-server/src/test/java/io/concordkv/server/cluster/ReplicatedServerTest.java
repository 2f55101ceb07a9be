package io.concordkv.server.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concordkv.api.Bytes;
import io.concordkv.raft.core.Role;
import io.concordkv.server.ConcordServer;
import io.concordkv.server.TestServers;
import io.concordkv.server.service.NodeStatus;
import io.concordkv.server.service.RangeQuery;
import io.concordkv.server.service.Replication;
import io.concordkv.storage.ScanRange;
import io.concordkv.testing.LoopbackPorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three server members in one JVM, replicated through Raft over loopback: writes through any
 * member are applied everywhere, a linearizable read on a follower sees the latest write, the
 * cluster keeps serving when the leader stops, and a restarted member catches up from its log.
 */
class ReplicatedServerTest {
    @TempDir
    Path dir;
    private final ConcordServer[] servers = new ConcordServer[3];
    private String initialCluster;

    @AfterEach
    void stop() {
        for (ConcordServer s : servers) {
            if (s != null) {
                s.close();
            }
        }
    }

    private ConcordServer start(int i, int peerPort) {
        // snapshots every 20 entries: a member that was down catches up from one, and restarts from one
        return ConcordServer.start(TestServers.config(dir.resolve("n" + i), Map.of("name", "n" + i,
            "initial-cluster", initialCluster, "listen-peer", "127.0.0.1:" + peerPort, "snapshot-count", "20")));
    }

    private List<Integer> startCluster() throws IOException {
        List<Integer> peers = new ArrayList<>();
        StringBuilder spec = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            peers.add(LoopbackPorts.free());
            spec.append(i == 0 ? "" : ",").append("n").append(i).append("=127.0.0.1:").append(peers.get(i));
        }
        initialCluster = spec.toString();
        for (int i = 0; i < 3; i++) {
            servers[i] = start(i, peers.get(i));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> leader() >= 0);
        // every member knows the leader: a follower that has not heard from it yet refuses proposals (retryable)
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            int l = leader();
            return l >= 0 && java.util.Arrays.stream(servers).allMatch(s ->
                s.service().status().leader() == servers[l].service().status().memberId());
        });
        return peers;
    }

    private int leader() {
        for (int i = 0; i < 3; i++) {
            if (servers[i] != null && ((RaftReplication) servers[i].service().replication()).runtime().status().role()
                == Role.LEADER) {
                return i;
            }
        }
        return -1;
    }

    private static String get(ConcordServer s, String key) {
        s.service().readBarrier().join();
        var kvs = s.service().range(RangeQuery.of(ScanRange.between(Bytes.utf8(key), Bytes.utf8(key + "\0")))).kvs();
        return kvs.isEmpty() ? null : kvs.get(0).value().toUtf8();
    }

    private int ready(int i) throws IOException, InterruptedException {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
            java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + servers[i].httpPort()
                + "/ready")).build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.statusCode();
    }

    @Test
    void aMemberIsReadyOnlyOnceItKnowsALeader() throws IOException, InterruptedException {
        List<Integer> peers = new ArrayList<>();
        StringBuilder spec = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            peers.add(LoopbackPorts.free());
            spec.append(i == 0 ? "" : ",").append("n").append(i).append("=127.0.0.1:").append(peers.get(i));
        }
        initialCluster = spec.toString();
        servers[0] = start(0, peers.get(0));
        assertThat(ready(0)).as("alone, without a majority, no leader").isEqualTo(503);
        servers[1] = start(1, peers.get(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> ready(0) == 200);
    }

    /**
     * A member that applied its own removal answers no read or write any more, serializable reads
     * included (its data no longer changes), with UNAVAILABLE at once; the other two go on.
     */
    private static void assertFails(java.util.concurrent.CompletableFuture<?> call, io.concordkv.api.ErrorCode code,
                                    String message) {
        assertThatThrownBy(call::join).cause().isInstanceOfSatisfying(io.concordkv.api.KvException.class, e -> {
            assertThat(e.code()).isEqualTo(code);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    /**
     * As etcd: a transfer to a member that cannot lead fails at once, "bad leader transferee";
     * removing or promoting an unknown member, or promoting a voter, fails with etcd's errors.
     */
    @Test
    void leadershipMovesToAVotingMemberAndCallsOnMembersThatCannotTakeThemFailAsEtcds() throws IOException {
        startCluster();
        Replication replication = servers[leader()].service().replication();
        long unknown = 12345;
        assertFails(replication.moveLeader(unknown), io.concordkv.api.ErrorCode.FAILED_PRECONDITION,
            "etcdserver: bad leader transferee");
        assertFails(replication.removeMember(unknown), io.concordkv.api.ErrorCode.NOT_FOUND, "etcdserver: member not found");
        assertFails(replication.promoteMember(unknown), io.concordkv.api.ErrorCode.NOT_FOUND, "etcdserver: member not found");
        assertFails(replication.promoteMember(servers[0].service().status().memberId()),
            io.concordkv.api.ErrorCode.FAILED_PRECONDITION, "etcdserver: can only promote a learner member");
        int next = (leader() + 1) % 3;
        replication.moveLeader(servers[next].service().status().memberId()).orTimeout(10, TimeUnit.SECONDS).join();
        // the transfer completes once this member hears of the new leader; each member's own status follows on its loop
        await().atMost(Duration.ofSeconds(10)).until(() -> leader() == next);
    }

    /** Regression: every response header said raft term 1, whatever the cluster's term. */
    @Test
    void responseHeadersCarryTheMembersRaftTerm() throws IOException {
        startCluster();
        Replication replication = servers[leader()].service().replication();
        int next = (leader() + 1) % 3;
        replication.moveLeader(servers[next].service().status().memberId()).orTimeout(10, TimeUnit.SECONDS).join();
        for (ConcordServer s : servers) {
            io.grpc.ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
                .forAddress("127.0.0.1", s.grpcPort()).usePlaintext().build();
            try {
                long term = io.etcd.jetcd.api.KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                    .put(io.etcd.jetcd.api.PutRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("t"))
                        .setValue(com.google.protobuf.ByteString.copyFromUtf8("v")).build()).getHeader().getRaftTerm();
                long now = ((RaftReplication) s.service().replication()).runtime().status().term();
                assertThat(term).as("a transfer raised the term past the first election's").isGreaterThan(1)
                    .isEqualTo(now);
            } finally {
                channel.shutdownNow();
            }
        }
    }

    @Test
    void aRemovedMemberRefusesReadsAndWritesAtOnce() throws IOException {
        startCluster();
        // a follower refuses writes until it has heard from the leader
        await().atMost(Duration.ofSeconds(10)).until(() -> java.util.Arrays.stream(servers).allMatch(
            s -> ((RaftReplication) s.service().replication()).runtime().status().leader() != 0));
        int removed = (leader() + 1) % 3;
        servers[removed].service().put(Bytes.utf8("k"), Bytes.utf8("before"), 0, false, false);
        assertThat(get(servers[removed], "k")).isEqualTo("before");
        long id = servers[removed].service().status().memberId();
        servers[leader()].service().replication().removeMember(id).join();
        RaftReplication replication = (RaftReplication) servers[removed].service().replication();
        await().atMost(Duration.ofSeconds(10))
            .until(() -> replication.runtime().status().members().stream().noneMatch(m -> m.id() == id));
        List<Runnable> refused = List.of(
            () -> servers[removed].service().range(RangeQuery.of(ScanRange.all())),
            () -> servers[removed].service().readBarrier().join(),
            () -> servers[removed].service().put(Bytes.utf8("k"), Bytes.utf8("after"), 0, false, false));
        for (Runnable call : refused) {
            assertThatThrownBy(call::run).satisfies(e -> assertThat(e instanceof java.util.concurrent.CompletionException
                ? e.getCause() : e).isInstanceOf(io.concordkv.api.KvException.class)
                .extracting(x -> ((io.concordkv.api.KvException) x).code())
                .isEqualTo(io.concordkv.api.ErrorCode.UNAVAILABLE));
        }
        int other = (removed + 1) % 3;
        servers[other].service().put(Bytes.utf8("k"), Bytes.utf8("after"), 0, false, false);
        assertThat(get(servers[(removed + 2) % 3], "k")).isEqualTo("after");
    }

    @Test
    void writesThroughAnyMemberAreReadLinearizablyEverywhere() throws IOException {
        startCluster();
        int follower = (leader() + 1) % 3;
        servers[follower].service().put(Bytes.utf8("k"), Bytes.utf8("from-follower"), 0, false, false);
        for (ConcordServer s : servers) {
            assertThat(get(s, "k")).isEqualTo("from-follower");
        }
        Set<Long> revisions = new HashSet<>();
        for (ConcordServer s : servers) {
            NodeStatus st = s.service().status();
            revisions.add(st.revision());
            assertThat(st.raftTerm()).isPositive();
            assertThat(st.leader()).isEqualTo(servers[leader()].service().status().memberId());
        }
        assertThat(revisions).as("every member is at the same revision").hasSize(1);
        assertThat(servers[0].service().replication().members()).hasSize(3);
    }

    /**
     * An interactive transaction begun on any member reads that member's store at a linearizable
     * revision and commits through the log: every member has its writes, at one revision; two
     * transactions on different members that write the same key conflict; a transaction sees
     * every write acknowledged before it began, on whichever member.
     */
    @Test
    void interactiveTransactionsOnAnyMemberCommitThroughTheLog() throws IOException {
        startCluster();
        int leader = leader();
        ConcordServer follower = servers[(leader + 1) % 3];
        ConcordServer other = servers[(leader + 2) % 3];
        servers[leader].service().put(Bytes.utf8("balance"), Bytes.utf8("100"), 0, false, false);
        io.concordkv.txn.TxnOptions serializable = io.concordkv.txn.TxnOptions.of(io.concordkv.txn.Isolation.SERIALIZABLE,
            io.concordkv.txn.ConcurrencyMode.OPTIMISTIC);
        try (io.concordkv.txn.Transaction t = follower.service().begin(serializable)) {
            assertThat(t.get(Bytes.utf8("balance")).orElseThrow().value().toUtf8())
                .as("the write acknowledged by the leader before the transaction began").isEqualTo("100");
            t.put(Bytes.utf8("balance"), Bytes.utf8("90"));
            t.put(Bytes.utf8("audit"), Bytes.utf8("-10"));
            long revision = t.commit();
            for (ConcordServer s : servers) {
                assertThat(get(s, "balance")).isEqualTo("90");
                assertThat(get(s, "audit")).isEqualTo("-10");
                s.service().readBarrier().join();
                assertThat(s.service().status().revision()).isEqualTo(revision);
            }
        }

        io.concordkv.txn.Transaction onFollower = follower.service().begin(serializable);
        io.concordkv.txn.Transaction onOther = other.service().begin(io.concordkv.txn.TxnOptions.of(
            io.concordkv.txn.Isolation.REPEATABLE_READ, io.concordkv.txn.ConcurrencyMode.PESSIMISTIC));
        onFollower.getForUpdate(Bytes.utf8("balance"));
        onOther.getForUpdate(Bytes.utf8("balance"));
        onFollower.put(Bytes.utf8("balance"), Bytes.utf8("80"));
        onOther.put(Bytes.utf8("balance"), Bytes.utf8("70"));
        onFollower.commit();
        assertThatThrownBy(onOther::commit).isInstanceOfSatisfying(io.concordkv.api.KvException.class,
            e -> assertThat(e.code()).isEqualTo(io.concordkv.api.ErrorCode.CONFLICT));
        for (ConcordServer s : servers) {
            assertThat(get(s, "balance")).as("the first committer's write, everywhere").isEqualTo("80");
        }
    }

    @Test
    void theMajorityKeepsServingWhenTheLeaderStopsAndTheMemberCatchesUpOnRestart() throws IOException {
        List<Integer> peers = startCluster();
        int old = leader();
        servers[(old + 1) % 3].service().put(Bytes.utf8("before"), Bytes.utf8("1"), 0, false, false);
        servers[old].close();
        servers[old] = null;
        await().atMost(Duration.ofSeconds(10)).until(() -> leader() >= 0);
        ConcordServer survivor = servers[(old + 1) % 3];
        for (int i = 0; i < 100; i++) {
            int n = i;
            // as etcd clients do, retry while an election settles (UNAVAILABLE is retryable)
            await().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(20)).atMost(Duration.ofSeconds(10))
                .ignoreExceptions().until(() -> {
                survivor.service().put(Bytes.utf8("after" + n), Bytes.utf8("v" + n), 0, false, false);
                return true;
            });
        }
        servers[old] = start(old, peers.get(old));
        // until it hears from the leader, the restarted member refuses linearizable reads (retryable)
        await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> "v99".equals(get(servers[old], "after99")));
        assertThat(get(servers[old], "before")).isEqualTo("1");
        long rev = survivor.service().status().revision();
        await().atMost(Duration.ofSeconds(5)).until(() -> servers[old].service().status().revision() == rev);
        // the others purged their logs behind snapshots: the restarted member was sent one
        assertThat(servers[old].service().replication().raftState().appliedIndex()).isGreaterThan(100);
        servers[old].close();
        servers[old] = start(old, peers.get(old));
        // restored from its own snapshot and the log after it
        await().atMost(Duration.ofSeconds(10)).until(() -> servers[old].service().status().revision() == rev);
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> "v0".equals(get(servers[old], "after0")));
    }
}
