package io.concordkv.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.concordkv.server.ConcordServer;
import io.concordkv.server.TestServers;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** jetcd, etcd's Java client, against a ConcordKV server: what it sends must work and read back as from etcd. */
class JetcdCompatibilityTest {
    @TempDir
    Path dir;
    ConcordServer server;
    Client client;

    static ByteSequence b(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }

    static String s(ByteSequence b) {
        return b.toString(StandardCharsets.UTF_8);
    }

    @BeforeEach
    void start() {
        server = TestServers.start(dir);
        client = Client.builder().endpoints("http://127.0.0.1:" + server.grpcPort()).build();
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
    }

    private <T> T get(java.util.concurrent.CompletableFuture<T> f) throws Exception {
        return f.get(10, TimeUnit.SECONDS);
    }

    /**
     * Regression: a new ConcordKV server answered at revision 0, which etcd never does (a new etcd
     * is at revision 1, its first write gets 2) and clients take for "unset" or "the latest".
     */
    @Test
    void aNewServerIsAtRevisionOneAndItsFirstWriteGetsTwoAsEtcd() throws Exception {
        KV kv = client.getKVClient();
        assertThat(get(kv.get(b("absent"))).getHeader().getRevision()).isEqualTo(1);
        assertThat(get(kv.put(b("k"), b("v"))).getHeader().getRevision()).isEqualTo(2);
        KeyValue k = get(kv.get(b("k"))).getKvs().get(0);
        assertThat(k.getCreateRevision()).isEqualTo(2);
        assertThat(k.getModRevision()).isEqualTo(2);
        assertThat(get(kv.get(b("k"), GetOption.builder().withRevision(1).build())).getKvs())
            .as("revision 1 is readable and empty").isEmpty();
    }

    /**
     * A single node leads already: a transfer to itself is done, to any other id refused as etcd
     * does; MemberList's header carries no revision, as etcd's.
     */
    @Test
    void moveLeaderAndMemberListOnASingleNodeAnswerAsEtcd() throws Exception {
        get(client.getKVClient().put(b("k"), b("v")));
        var members = get(client.getClusterClient().listMember());
        assertThat(members.getHeader().getRevision()).isZero();
        assertThat(members.getHeader().getMemberId()).isNotZero();
        long self = members.getMembers().get(0).getId();
        assertThatThrownBy(() -> get(client.getClusterClient().updateMember(self + 1,
            List.of(java.net.URI.create("http://127.0.0.1:1"))))).hasMessageContaining("etcdserver: member not found");
        assertThatThrownBy(() -> get(client.getClusterClient().updateMember(self,
            List.of(java.net.URI.create("http://127.0.0.1:1"))))).hasMessageContaining("peer URLs cannot change");
        get(client.getMaintenanceClient().moveLeader(self));
        assertThatThrownBy(() -> get(client.getMaintenanceClient().moveLeader(self + 1)))
            .isInstanceOf(ExecutionException.class).hasMessageContaining("bad leader transferee").cause()
            .isInstanceOfSatisfying(io.etcd.jetcd.common.exception.EtcdException.class, e -> assertThat(e.getErrorCode())
                .isEqualTo(io.etcd.jetcd.common.exception.ErrorCode.FAILED_PRECONDITION));
    }

    /** Without authentication the Auth service answers as an etcd with no users or roles and auth off. */
    @Test
    void authAnswersAsAnEtcdWithoutUsersWhoseAuthenticationIsOff() throws Exception {
        var auth = client.getAuthClient();
        assertThat(get(auth.userList()).getUsers()).isEmpty();
        assertThat(get(auth.roleList()).getRoles()).isEmpty();
        get(auth.authDisable());
        assertThatThrownBy(() -> get(auth.userGet(b("root")))).hasMessageContaining("etcdserver: user name not found")
            .cause().isInstanceOfSatisfying(io.etcd.jetcd.common.exception.EtcdException.class, e -> assertThat(
                e.getErrorCode()).isEqualTo(io.etcd.jetcd.common.exception.ErrorCode.FAILED_PRECONDITION));
        assertThatThrownBy(() -> get(auth.roleGet(b("admin")))).hasMessageContaining("etcdserver: role name not found");
        assertThatThrownBy(() -> get(auth.userAdd(b("root"), b("secret"))))
            .hasMessageContaining("authentication is not supported").cause()
            .isInstanceOfSatisfying(io.etcd.jetcd.common.exception.EtcdException.class, e -> assertThat(
                e.getErrorCode()).isEqualTo(io.etcd.jetcd.common.exception.ErrorCode.UNIMPLEMENTED));
        assertThatThrownBy(() -> get(auth.authEnable())).hasMessageContaining("authentication is not supported");
        assertThat(get(client.getKVClient().get(b("absent"))).getKvs()).as("the connection still serves").isEmpty();
    }

    @Test
    void putGetPrefixDeleteAndRevisions() throws Exception {
        KV kv = client.getKVClient();
        long r1 = get(kv.put(b("fruit/apple"), b("red"))).getHeader().getRevision();
        get(kv.put(b("fruit/banana"), b("yellow")));
        var second = get(kv.put(b("fruit/apple"), b("green"), PutOption.builder().withPrevKV().build()));
        assertThat(s(second.getPrevKv().getValue())).isEqualTo("red");
        assertThat(second.getHeader().getRevision()).isEqualTo(r1 + 2);

        GetResponse one = get(kv.get(b("fruit/apple")));
        KeyValue apple = one.getKvs().get(0);
        assertThat(s(apple.getValue())).isEqualTo("green");
        assertThat(apple.getVersion()).isEqualTo(2);
        assertThat(apple.getCreateRevision()).isEqualTo(r1);
        assertThat(apple.getModRevision()).isEqualTo(r1 + 2);

        GetResponse prefix = get(kv.get(b("fruit/"), GetOption.builder().isPrefix(true).build()));
        assertThat(prefix.getKvs()).extracting(k -> s(k.getKey())).containsExactly("fruit/apple", "fruit/banana");
        assertThat(prefix.getCount()).isEqualTo(2);

        GetResponse limited = get(kv.get(b("fruit/"), GetOption.builder().isPrefix(true).withLimit(1)
            .withSortField(GetOption.SortTarget.KEY).withSortOrder(GetOption.SortOrder.DESCEND).build()));
        assertThat(limited.getKvs()).extracting(k -> s(k.getKey())).containsExactly("fruit/banana");
        assertThat(limited.isMore()).isTrue();
        assertThat(limited.getCount()).isEqualTo(2);

        GetResponse old = get(kv.get(b("fruit/apple"), GetOption.builder().withRevision(r1).build()));
        assertThat(s(old.getKvs().get(0).getValue())).isEqualTo("red");

        var deleted = get(kv.delete(b("fruit/"), DeleteOption.builder().isPrefix(true).withPrevKV(true).build()));
        assertThat(deleted.getDeleted()).isEqualTo(2);
        assertThat(deleted.getPrevKvs()).hasSize(2);
        assertThat(get(kv.get(b("fruit/"), GetOption.builder().isPrefix(true).build())).getKvs()).isEmpty();
    }

    @Test
    void conditionalTransactionTakesTheRightBranch() throws Exception {
        KV kv = client.getKVClient();
        get(kv.put(b("lock"), b("free")));
        TxnResponse taken = get(kv.txn().If(new Cmp(b("lock"), Cmp.Op.EQUAL, CmpTarget.value(b("free"))))
            .Then(Op.put(b("lock"), b("mine"), PutOption.DEFAULT), Op.get(b("lock"), GetOption.DEFAULT))
            .Else(Op.get(b("lock"), GetOption.DEFAULT)).commit());
        assertThat(taken.isSucceeded()).isTrue();
        assertThat(s(taken.getGetResponses().get(0).getKvs().get(0).getValue())).isEqualTo("mine");
        TxnResponse refused = get(kv.txn().If(new Cmp(b("lock"), Cmp.Op.EQUAL, CmpTarget.version(1)))
            .Then(Op.put(b("lock"), b("again"), PutOption.DEFAULT)).Else(Op.get(b("lock"), GetOption.DEFAULT))
            .commit());
        assertThat(refused.isSucceeded()).isFalse();
        assertThat(s(refused.getGetResponses().get(0).getKvs().get(0).getValue())).isEqualTo("mine");
    }

    /**
     * Regression: a compare over every key from its key on (range_end "\0", as etcd's Go client
     * sends for {@code WithFromKey}) was refused as a range ending before its start.
     */
    @Test
    void aCompareFromAKeyOnCoversEveryLaterKey() throws Exception {
        io.grpc.ManagedChannel channel = io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder
            .forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        try {
            var kv = io.etcd.jetcd.api.KVGrpc.newBlockingStub(channel).withDeadlineAfter(10, TimeUnit.SECONDS);
            com.google.protobuf.ByteString m = com.google.protobuf.ByteString.copyFromUtf8("m");
            long rev = kv.put(io.etcd.jetcd.api.PutRequest.newBuilder().setKey(m).setValue(m).build()).getHeader()
                .getRevision();
            io.etcd.jetcd.api.TxnRequest unchangedFromM = io.etcd.jetcd.api.TxnRequest.newBuilder()
                .addCompare(io.etcd.jetcd.api.Compare.newBuilder().setKey(m)
                    .setRangeEnd(com.google.protobuf.ByteString.copyFrom(new byte[] {0}))
                    .setTarget(io.etcd.jetcd.api.Compare.CompareTarget.MOD)
                    .setResult(io.etcd.jetcd.api.Compare.CompareResult.LESS).setModRevision(rev + 1))
                .build();
            assertThat(kv.txn(unchangedFromM).getSucceeded()).isTrue();
            kv.put(io.etcd.jetcd.api.PutRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("a"))
                .setValue(m).build());
            assertThat(kv.txn(unchangedFromM).getSucceeded()).as("a key before the range changed").isTrue();
            kv.put(io.etcd.jetcd.api.PutRequest.newBuilder().setKey(com.google.protobuf.ByteString.copyFromUtf8("zz"))
                .setValue(m).build());
            assertThat(kv.txn(unchangedFromM).getSucceeded()).as("a key far past the compare's key changed").isFalse();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void compactedRevisionsAreRefusedWithEtcdsError() throws Exception {
        KV kv = client.getKVClient();
        long first = get(kv.put(b("k"), b("1"))).getHeader().getRevision();
        long last = get(kv.put(b("k"), b("2"))).getHeader().getRevision();
        get(kv.compact(last));
        assertThatThrownBy(() -> get(kv.get(b("k"), GetOption.builder().withRevision(first).build())))
            .isInstanceOf(ExecutionException.class).hasMessageContaining("required revision has been compacted");
        assertThat(s(get(kv.get(b("k"), GetOption.builder().withRevision(last).build())).getKvs().get(0)
            .getValue())).isEqualTo("2");
    }

    @Test
    void watchFromThePastThenLiveWithPreviousValues() throws Exception {
        KV kv = client.getKVClient();
        long start = get(kv.put(b("w/a"), b("1"))).getHeader().getRevision();
        get(kv.put(b("w/a"), b("2")));
        get(kv.put(b("other"), b("x")));
        List<String> seen = new CopyOnWriteArrayList<>();
        Watch.Listener listener = Watch.listener(resp -> resp.getEvents().forEach(e -> seen.add(
            e.getEventType() + " " + s(e.getKeyValue().getKey()) + "=" + s(e.getKeyValue().getValue())
                + (e.getPrevKV() != null && e.getPrevKV().getVersion() > 0 ? " prev=" + s(e.getPrevKV().getValue()) : ""))));
        try (Watch.Watcher w = client.getWatchClient().watch(b("w/"), WatchOption.builder().isPrefix(true)
            .withRevision(start).withPrevKV(true).build(), listener)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 2);
            get(kv.put(b("w/b"), b("3")));
            get(kv.delete(b("w/a")));
            await().atMost(Duration.ofSeconds(10)).until(() -> seen.size() == 4);
        }
        assertThat(seen).containsExactly("PUT w/a=1", "PUT w/a=2 prev=1", "PUT w/b=3",
            WatchEvent.EventType.DELETE + " w/a= prev=2");
    }

    @Test
    void progressNotificationsReachIdleWatchersThatAskForThem() throws Exception {
        client.close();
        server.close();
        server = ConcordServer.start(TestServers.config(dir, java.util.Map.of("watch-progress-ms", "100")));
        client = Client.builder().endpoints("http://127.0.0.1:" + server.grpcPort()).build();
        long rev = get(client.getKVClient().put(b("p"), b("1"))).getHeader().getRevision();
        List<Long> progress = new CopyOnWriteArrayList<>();
        Watch.Listener listener = Watch.listener(resp -> {
            if (resp.getEvents().isEmpty()) {
                progress.add(resp.getHeader().getRevision());
            }
        });
        try (Watch.Watcher w = client.getWatchClient().watch(b("p"), WatchOption.builder().withProgressNotify(true)
            .build(), listener)) {
            await().atMost(Duration.ofSeconds(10)).until(() -> progress.size() >= 2);
        }
        assertThat(progress).allMatch(r -> r == rev);
    }

    @Test
    void leasedKeysGoWhenTheLeaseIsRevokedOrExpires() throws Exception {
        KV kv = client.getKVClient();
        long lease = get(client.getLeaseClient().grant(60)).getID();
        get(kv.put(b("eph/1"), b("x"), PutOption.builder().withLeaseId(lease).build()));
        assertThat(get(client.getLeaseClient().timeToLive(lease,
            io.etcd.jetcd.options.LeaseOption.builder().withAttachedKeys().build())).getKeys())
            .extracting(JetcdCompatibilityTest::s).containsExactly("eph/1");
        get(client.getLeaseClient().revoke(lease));
        assertThat(get(kv.get(b("eph/1"))).getKvs()).isEmpty();

        long shortLease = get(client.getLeaseClient().grant(1)).getID();
        get(kv.put(b("eph/2"), b("y"), PutOption.builder().withLeaseId(shortLease).build()));
        await().atMost(Duration.ofSeconds(10)).until(() -> get(kv.get(b("eph/2"))).getKvs().isEmpty());

        assertThatThrownBy(() -> get(kv.put(b("eph/3"), b("z"), PutOption.builder().withLeaseId(12345).build())))
            .hasMessageContaining("requested lease not found");
    }

    @Test
    void statusAndMemberList() throws Exception {
        var status = get(client.getMaintenanceClient().statusMember("http://127.0.0.1:" + server.grpcPort()));
        assertThat(status.getVersion()).isEqualTo(EtcdMaintenanceService.ETCD_VERSION);
        assertThat(status.getLeader()).isEqualTo(status.getHeader().getMemberId());
        var members = get(client.getClusterClient().listMember()).getMembers();
        assertThat(members).singleElement().satisfies(m -> assertThat(m.getName()).isEqualTo("default"));
    }
}
