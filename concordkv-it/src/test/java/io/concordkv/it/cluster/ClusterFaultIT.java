package io.concordkv.it.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.concordkv.check.CheckResult;
import io.concordkv.check.LinearizabilityChecker;
import io.concordkv.testing.LoopbackPorts;
import io.etcd.jetcd.api.ClusterGrpc;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MemberAddRequest;
import io.etcd.jetcd.api.MemberListRequest;
import io.etcd.jetcd.api.MemberRemoveRequest;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * A 3-member cluster of real processes under a recorded client load, through faults: kill -9 of
 * the leader, SIGSTOP/SIGCONT of a member, the leader cut off from its peers (a TCP proxy in front
 * of each member's peer port) and healed, a member restarted from its data directory. The majority
 * keeps serving, the cut-off member refuses writes and linearizable reads, the history is
 * linearizable and every member ends with the same data (HashKV).
 */
class ClusterFaultIT {
    /** Kept when the test fails: the members' logs are in it. */
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;
    private final List<ClusterMember> members = new ArrayList<>();
    private final List<PeerProxy> proxies = new ArrayList<>();
    private RecordingClients clients;

    @AfterEach
    void stopAll() throws Exception {
        if (clients != null) {
            clients.close();
        }
        for (ClusterMember m : members) {
            m.close();
        }
        for (PeerProxy p : proxies) {
            p.close();
        }
    }

    private void startCluster() throws IOException {
        List<Integer> listen = new ArrayList<>();
        StringBuilder spec = new StringBuilder();
        for (int i = 0; i < 3; i++) {
            listen.add(LoopbackPorts.free());
            proxies.add(new PeerProxy(listen.get(i)));
            spec.append(i == 0 ? "" : ",").append("n").append(i + 1).append("=127.0.0.1:").append(proxies.get(i).port());
        }
        for (int i = 0; i < 3; i++) {
            members.add(new ClusterMember("n" + (i + 1), dir, LoopbackPorts.free(), listen.get(i),
                List.of("--initial-cluster", spec.toString(), "--snapshot-count", "300")));
        }
        for (ClusterMember m : members) {
            m.start();
        }
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> leader() >= 0);
    }

    private StatusResponse status(int i) {
        ManagedChannel ch = NettyChannelBuilder.forTarget(members.get(i).endpoint()).usePlaintext().build();
        try {
            return MaintenanceGrpc.newBlockingStub(ch).withDeadlineAfter(1, TimeUnit.SECONDS)
                .status(StatusRequest.getDefaultInstance());
        } finally {
            ch.shutdownNow();
        }
    }

    /** Index of the member that says it leads, or -1. */
    /** Waits for a leader and returns its index. */
    private int awaitLeader() {
        await().atMost(Duration.ofSeconds(15)).until(() -> leader() >= 0);
        return leader();
    }

    private int leader() {
        for (int i = 0; i < members.size(); i++) {
            if (members.get(i).alive()) {
                try {
                    StatusResponse s = status(i);
                    if (s.getLeader() == s.getHeader().getMemberId()) {
                        return i;
                    }
                } catch (RuntimeException e) {
                    // not answering (stopped or starting)
                }
            }
        }
        return -1;
    }

    /** Waits until the clients have completed {@code n} more writes: the cluster is serving. */
    private void serving(long n) {
        long from = clients.okWrites.get();
        await().atMost(Duration.ofSeconds(15)).until(() -> clients.okWrites.get() >= from + n);
    }

    @Test
    void theMajorityServesThroughFaultsAndTheHistoryIsLinearizable() throws Exception {
        startCluster();
        System.out.println("ClusterFaultIT members' logs in " + dir);
        long seed = System.nanoTime();
        System.out.println("ClusterFaultIT client seed " + seed);
        clients = new RecordingClients(members.stream().map(ClusterMember::endpoint).toList(), 6, seed);
        clients.start();
        serving(50);

        int l = awaitLeader();
        members.get(l).kill9();
        serving(50);
        members.get(l).start();
        serving(20);

        int f = (awaitLeader() + 1) % 3;
        members.get(f).signal("STOP");
        serving(50);
        members.get(f).signal("CONT");
        serving(20);

        int cut = awaitLeader();
        proxies.get(cut).cut();
        serving(50);
        await().atMost(Duration.ofSeconds(10)).until(() -> leader() >= 0 && leader() != cut);
        assertMinorityRefuses(cut);
        proxies.get(cut).heal();
        serving(20);

        int r = (awaitLeader() + 2) % 3;
        members.get(r).terminate();
        serving(30);
        members.get(r).start();
        serving(30);
        clients.stopAndJoin();

        assertConverged();
        CheckResult result = new LinearizabilityChecker(Duration.ofSeconds(60)).check(clients.history.history());
        System.out.println("ClusterFaultIT: " + clients.history.history().size() + " operations, " + result);
        assertThat(result.isOk()).as("history linearizable: %s", result).isTrue();
    }

    @Test
    void membersAreAddedAndRemovedUnderLoad() throws Exception {
        startCluster();
        long seed = System.nanoTime();
        System.out.println("ClusterFaultIT membership seed " + seed + ", logs in " + dir);
        clients = new RecordingClients(members.stream().map(ClusterMember::endpoint).toList(), 4, seed);
        clients.start();
        serving(50);
        int listen = LoopbackPorts.free();
        proxies.add(new PeerProxy(listen));
        String peerUrl = "http://127.0.0.1:" + proxies.get(3).port();
        ManagedChannel ch = NettyChannelBuilder.forTarget(members.get(awaitLeader()).endpoint()).usePlaintext().build();
        try {
            long id = whileChangePending(() -> ClusterGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                .memberAdd(MemberAddRequest.newBuilder().addPeerURLs(peerUrl).setIsLearner(true).build())
                .getMember().getID());
            String spec = members.get(0).flags().get(1) + ",n4=" + peerUrl.substring("http://".length());
            members.add(new ClusterMember("n4", dir, LoopbackPorts.free(), listen,
                List.of("--initial-cluster", spec, "--initial-cluster-state", "existing")));
            members.get(3).start();
            // caught up with all the leader had committed when the wait began: a moving target (the
            // leader's index read just after the learner's, within 50 entries) missed now and then
            // under load, while the learner kept up within a round trip
            long committed = status(awaitLeader()).getRaftIndex();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> status(3).getRaftIndex() >= committed);
            ClusterGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                .memberList(MemberListRequest.getDefaultInstance());
            whileChangePending(() -> {
                promote(ch, id);
                return id;
            });
            serving(50);
            int victim = (awaitLeader() + 1) % 3;
            long victimId = status(victim).getHeader().getMemberId();
            whileChangePending(() -> ClusterGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                .memberRemove(MemberRemoveRequest.newBuilder().setID(victimId).build()));
            clients.retire(victim);
            serving(50);
            members.get(victim).terminate();
            serving(50);
            assertThat(ClusterGrpc.newBlockingStub(ch).withDeadlineAfter(10, TimeUnit.SECONDS)
                .memberList(MemberListRequest.getDefaultInstance()).getMembersList())
                .extracting(m -> m.getID()).contains(id).doesNotContain(victimId).hasSize(3);
        } finally {
            ch.shutdownNow();
        }
        clients.stopAndJoin();
        CheckResult result = new LinearizabilityChecker(Duration.ofSeconds(60)).check(clients.history.history());
        System.out.println("ClusterFaultIT membership: " + clients.history.history().size() + " operations, " + result);
        assertThat(result.isOk()).as("history linearizable: %s", result).isTrue();
    }

    /**
     * Interactive SERIALIZABLE transactions (the Java client over ConcordKV's Transactions service)
     * through every member at once: bank transfers between accounts, each read-and-write, retried
     * on CONFLICT, while the leader is killed (-9) and restarted. A transfer whose commit was cut
     * off by the kill has an unknown outcome, but it is whole or absent: the total never changes,
     * read through any member, and every member ends with the same data. (It fails when commits
     * bypass the log.)
     */
    @Test
    void bankTransfersThroughEveryMemberKeepTheTotalThroughALeaderKill() throws Exception {
        startCluster();
        long seed = System.nanoTime();
        System.out.println("ClusterFaultIT bank seed " + seed);
        int accounts = 8;
        List<io.concordkv.client.ConcordClient> perMember = new ArrayList<>();
        try {
            for (ClusterMember m : members) {
                perMember.add(io.concordkv.client.ConcordClient.builder().endpoints(m.endpoint())
                    .health(io.concordkv.client.HealthConfig.DISABLED).build());
            }
            await().atMost(Duration.ofSeconds(15)).ignoreExceptions().until(() -> {
                for (int a = 0; a < accounts; a++) {
                    perMember.get(0).kv().put(account(a), io.concordkv.api.Bytes.utf8("100"));
                }
                return true;
            });
            java.util.concurrent.atomic.AtomicInteger committed = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicInteger unknown = new java.util.concurrent.atomic.AtomicInteger();
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            List<Thread> workers = new ArrayList<>();
            List<Throwable> failures = java.util.Collections.synchronizedList(new ArrayList<>());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            for (int w = 0; w < 3; w++) {
                io.concordkv.client.ConcordClient client = perMember.get(w);
                java.util.SplittableRandom random = new java.util.SplittableRandom(seed + w);
                workers.add(new Thread(() -> {
                    for (int n = 0; n < 5_000 && !stop.get() && System.nanoTime() < deadline; n++) {
                        int from = random.nextInt(accounts);
                        int to = (from + 1 + random.nextInt(accounts - 1)) % accounts;
                        int amount = 1 + random.nextInt(10);
                        try {
                            client.transactions().run(io.concordkv.client.TxnSpec.of(
                                io.concordkv.client.TxnSpec.Isolation.SERIALIZABLE, io.concordkv.client.TxnSpec.Mode.OPTIMISTIC),
                                txn -> {
                                    long a = balance(txn, from);
                                    long b = balance(txn, to);
                                    txn.put(account(from), io.concordkv.api.Bytes.utf8(Long.toString(a - amount)));
                                    txn.put(account(to), io.concordkv.api.Bytes.utf8(Long.toString(b + amount)));
                                    return null;
                                }, 50);
                            committed.incrementAndGet();
                        } catch (io.concordkv.api.KvException e) {
                            if (e.code() != io.concordkv.api.ErrorCode.UNAVAILABLE
                                && e.code() != io.concordkv.api.ErrorCode.TIMEOUT
                                && e.code() != io.concordkv.api.ErrorCode.TXN_NOT_ACTIVE) {
                                failures.add(e);
                                return;
                            }
                            unknown.incrementAndGet(); // the member or its leader went away: outcome unknown
                            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                        } catch (Throwable t) {
                            failures.add(t);
                            return;
                        }
                    }
                }));
            }
            workers.forEach(Thread::start);
            await().atMost(Duration.ofSeconds(30)).until(() -> committed.get() >= 40);
            int l = awaitLeader();
            members.get(l).kill9();
            int before = committed.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> committed.get() >= before + 40);
            members.get(l).start();
            int restarted = committed.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> committed.get() >= restarted + 40);
            stop.set(true);
            for (Thread t : workers) {
                t.join(TimeUnit.SECONDS.toMillis(60));
            }
            System.out.println("ClusterFaultIT bank: " + committed.get() + " transfers committed, " + unknown.get()
                + " with an unknown outcome");
            assertThat(failures).isEmpty();
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().untilAsserted(() -> {
                for (io.concordkv.client.ConcordClient client : perMember) {
                    long total = 0;
                    for (int a = 0; a < accounts; a++) {
                        total += Long.parseLong(client.kv().get(account(a)).kvs().get(0).value().toUtf8());
                    }
                    assertThat(total).as("the total, read through each member").isEqualTo(100L * accounts);
                }
            });
        } finally {
            perMember.forEach(io.concordkv.client.ConcordClient::close);
        }
        assertConverged();
    }

    private static io.concordkv.api.Bytes account(int a) {
        return io.concordkv.api.Bytes.utf8("account/" + a);
    }

    private static long balance(io.concordkv.client.InteractiveTxn txn, int a) {
        return Long.parseLong(txn.get(account(a)).orElseThrow().value().toUtf8());
    }

    /**
     * Sends a membership request again while the leader refuses it because an earlier change is
     * not yet applied (UNAVAILABLE, nothing proposed: an etcdctl user would retry). Members record
     * their client URLs through the log as they start, so a change right after a start can meet one.
     */
    private static <T> T whileChangePending(java.util.function.Supplier<T> request) {
        java.util.concurrent.atomic.AtomicReference<T> answer = new java.util.concurrent.atomic.AtomicReference<>();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptionsMatching(ClusterFaultIT::changePending).until(() -> {
            answer.set(request.get());
            return true;
        });
        return answer.get();
    }

    private static boolean changePending(Throwable e) {
        return e instanceof io.grpc.StatusRuntimeException s && s.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE
            && s.getStatus().getDescription() != null && (s.getStatus().getDescription().contains("still pending")
            || s.getStatus().getDescription().contains("already in progress"));
    }

    /** etcd's MemberPromote, which the stubs we build on lack: sent as raw protobuf ({1: ID}). */
    private static void promote(ManagedChannel ch, long id) {
        io.grpc.MethodDescriptor<byte[], byte[]> method = io.grpc.MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(io.grpc.MethodDescriptor.MethodType.UNARY).setFullMethodName("etcdserverpb.Cluster/MemberPromote")
            .setRequestMarshaller(RAW).setResponseMarshaller(RAW).build();
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try {
            com.google.protobuf.CodedOutputStream out = com.google.protobuf.CodedOutputStream.newInstance(bytes);
            out.writeUInt64(1, id);
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        io.grpc.stub.ClientCalls.blockingUnaryCall(ch, method, io.grpc.CallOptions.DEFAULT
            .withDeadlineAfter(10, TimeUnit.SECONDS), bytes.toByteArray());
    }

    private static final io.grpc.MethodDescriptor.Marshaller<byte[]> RAW = new io.grpc.MethodDescriptor.Marshaller<>() {
        @Override
        public java.io.InputStream stream(byte[] value) {
            return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    };

    private void assertMinorityRefuses(int cut) {
        ByteString k = ByteString.copyFromUtf8("minority-probe");
        assertThatThrownBy(() -> clients.kv(cut, 1500).put(PutRequest.newBuilder().setKey(k).setValue(k).build()))
            .as("a write on the cut-off member is not acknowledged");
        assertThatThrownBy(() -> clients.kv(cut, 1500).range(RangeRequest.newBuilder().setKey(k).build()))
            .as("a linearizable read on the cut-off member is refused");
    }

    private void assertConverged() {
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            Set<Long> applied = new HashSet<>();
            for (int i = 0; i < 3; i++) {
                applied.add(status(i).getRaftIndex());
            }
            return applied.size() == 1;
        });
        Set<Integer> hashes = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            ManagedChannel ch = NettyChannelBuilder.forTarget(members.get(i).endpoint()).usePlaintext().build();
            try {
                hashes.add(MaintenanceGrpc.newBlockingStub(ch).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .hashKV(HashKVRequest.getDefaultInstance()).getHash());
            } finally {
                ch.shutdownNow();
            }
        }
        assertThat(hashes).as("every member holds the same data (HashKV)").hasSize(1);
    }
}
