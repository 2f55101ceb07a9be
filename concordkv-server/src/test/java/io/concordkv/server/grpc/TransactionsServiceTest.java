package io.concordkv.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.concordkv.proto.v1.BeginRequest;
import io.concordkv.proto.v1.CommitRequest;
import io.concordkv.proto.v1.ConcurrencyMode;
import io.concordkv.proto.v1.Isolation;
import io.concordkv.proto.v1.TransactionsGrpc;
import io.concordkv.proto.v1.TxnGetRequest;
import io.concordkv.proto.v1.TxnPutRequest;
import io.concordkv.proto.v1.TxnRangeRequest;
import io.concordkv.server.ConcordServer;
import io.concordkv.server.TestServers;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TransactionsServiceTest {
    @TempDir
    Path dir;
    ConcordServer server;
    ManagedChannel channel;

    static ByteString b(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    @BeforeEach
    void start() {
        server = TestServers.start(dir);
        channel = channel();
    }

    ManagedChannel channel() {
        return NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        server.close();
    }

    TransactionsGrpc.TransactionsBlockingStub stub(ManagedChannel c) {
        return TransactionsGrpc.newBlockingStub(c).withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    private String begin(ManagedChannel c, Isolation isolation, ConcurrencyMode mode, long idleMs, long lockWaitMs) {
        return stub(c).begin(BeginRequest.newBuilder().setIsolation(isolation).setMode(mode)
            .setIdleTimeoutMs(idleMs).setLockWaitMs(lockWaitMs).build()).getTxnId();
    }

    private static String errorCode(StatusRuntimeException e) {
        return e.getTrailers() == null ? null : e.getTrailers().get(GrpcErrors.ERROR_CODE);
    }

    @Test
    void writesAreInvisibleUntilCommitThenVisibleAtTheCommitRevision() {
        var t = stub(channel);
        String a = begin(channel, Isolation.SERIALIZABLE, ConcurrencyMode.OPTIMISTIC, 0, 0);
        t.put(TxnPutRequest.newBuilder().setTxnId(a).setKey(b("x")).setValue(b("1")).build());
        t.put(TxnPutRequest.newBuilder().setTxnId(a).setKey(b("y")).setValue(b("2")).build());
        assertThat(t.get(TxnGetRequest.newBuilder().setTxnId(a).setKey(b("x")).build()).getKv().getValue())
            .as("a transaction reads its own writes").isEqualTo(b("1"));
        String other = begin(channel, Isolation.READ_COMMITTED, ConcurrencyMode.OPTIMISTIC, 0, 0);
        assertThat(t.get(TxnGetRequest.newBuilder().setTxnId(other).setKey(b("x")).build()).getFound()).isFalse();
        long rev = t.commit(CommitRequest.newBuilder().setTxnId(a).build()).getRevision();
        assertThat(t.range(TxnRangeRequest.newBuilder().setTxnId(other).setKey(b("a")).setRangeEnd(b("z")).build())
            .getKvsList()).extracting(kv -> kv.getModRevision()).containsExactly(rev, rev);
        assertThatThrownBy(() -> t.commit(CommitRequest.newBuilder().setTxnId(a).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND);
                assertThat(errorCode(e)).isEqualTo("NOT_FOUND");
            });
    }

    @Test
    void firstCommitterWinsUnderRepeatableRead() {
        var t = stub(channel);
        String a = begin(channel, Isolation.REPEATABLE_READ, ConcurrencyMode.OPTIMISTIC, 0, 0);
        String b = begin(channel, Isolation.REPEATABLE_READ, ConcurrencyMode.OPTIMISTIC, 0, 0);
        t.put(TxnPutRequest.newBuilder().setTxnId(a).setKey(b("k")).setValue(b("a")).build());
        t.put(TxnPutRequest.newBuilder().setTxnId(b).setKey(b("k")).setValue(b("b")).build());
        t.commit(CommitRequest.newBuilder().setTxnId(a).build());
        assertThatThrownBy(() -> t.commit(CommitRequest.newBuilder().setTxnId(b).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.ABORTED);
                assertThat(errorCode(e)).isEqualTo("CONFLICT");
            });
    }

    @Test
    void aClientThatDisconnectsLeavesNoLocksBehind() {
        ManagedChannel first = channel();
        String holder = begin(first, Isolation.SERIALIZABLE, ConcurrencyMode.PESSIMISTIC, 600_000, 0);
        stub(first).get(TxnGetRequest.newBuilder().setTxnId(holder).setKey(b("hot")).setForUpdate(true).build());
        assertThat(server.sessions().open()).isEqualTo(1);
        first.shutdownNow();
        // the waiter would wait 15 s for the lock; the disconnect must free it long before
        String waiter = begin(channel, Isolation.SERIALIZABLE, ConcurrencyMode.PESSIMISTIC, 0, 15_000);
        long started = System.nanoTime();
        stub(channel).get(TxnGetRequest.newBuilder().setTxnId(waiter).setKey(b("hot")).setForUpdate(true).build());
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(10_000);
        assertThat(server.sessions().open()).isEqualTo(1);
    }

    @Test
    void anIdleTransactionIsRolledBackAndReleasesItsLocks() {
        String idle = begin(channel, Isolation.SERIALIZABLE, ConcurrencyMode.PESSIMISTIC, 300, 0);
        stub(channel).get(TxnGetRequest.newBuilder().setTxnId(idle).setKey(b("hot")).setForUpdate(true).build());
        String waiter = begin(channel, Isolation.SERIALIZABLE, ConcurrencyMode.PESSIMISTIC, 0, 15_000);
        stub(channel).put(TxnPutRequest.newBuilder().setTxnId(waiter).setKey(b("hot")).setValue(b("v")).build());
        stub(channel).commit(CommitRequest.newBuilder().setTxnId(waiter).build());
        assertThatThrownBy(() -> stub(channel).get(TxnGetRequest.newBuilder().setTxnId(idle).setKey(b("hot")).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }
}
