package io.concordkv.server.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.concordkv.server.ConcordServer;
import io.concordkv.server.TestServers;
import io.concordkv.server.grpc.RawBytes;
import io.concordkv.server.service.TxnChecks;
import io.etcd.jetcd.api.DeleteRangeRequest;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCalls;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad requests get a clear error, change nothing, and leave the connection and its neighbours
 * working: oversize keys, values and requests, malformed protobuf, unknown methods, bad ranges.
 */
class BadInputTest {
    private static final int MAX_VALUE = 1024;
    private static final int MAX_REQUEST = 4096;

    @TempDir
    Path dir;
    ConcordServer server;
    ManagedChannel channel;
    ManagedChannel neighbour;

    @BeforeEach
    void start() {
        server = ConcordServer.start(TestServers.config(dir, Map.of("max-key-bytes", "64",
            "max-value-bytes", Integer.toString(MAX_VALUE), "max-request-bytes", Integer.toString(MAX_REQUEST))));
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        neighbour = NettyChannelBuilder.forAddress("127.0.0.1", server.grpcPort()).usePlaintext().build();
        kv(neighbour).put(PutRequest.newBuilder().setKey(bs("safe")).setValue(bs("v")).build());
    }

    @AfterEach
    void stop() {
        channel.shutdownNow();
        neighbour.shutdownNow();
        server.close();
    }

    private static ByteString bs(String s) {
        return ByteString.copyFromUtf8(s);
    }

    private static KVGrpc.KVBlockingStub kv(ManagedChannel c) {
        return KVGrpc.newBlockingStub(c).withDeadlineAfter(10, TimeUnit.SECONDS);
    }

    private void assertNothingChangedAndBothConnectionsWork() {
        for (ManagedChannel c : new ManagedChannel[] {channel, neighbour}) {
            var all = kv(c).range(RangeRequest.newBuilder().setKey(bs("\0")).setRangeEnd(bs("\0")).build());
            assertThat(all.getKvsList()).singleElement().satisfies(k -> assertThat(k.getKey()).isEqualTo(bs("safe")));
            assertThat(all.getHeader().getRevision()).as("the one put, on a store that starts at 1").isEqualTo(2);
        }
    }

    private static Status.Code code(Throwable t) {
        return ((StatusRuntimeException) t).getStatus().getCode();
    }

    @Test
    void oversizeKeysValuesAndRequestsAreRefused() {
        assertThatThrownBy(() -> kv(channel).put(PutRequest.newBuilder().setKey(bs("k".repeat(65))).setValue(bs("v"))
            .build())).satisfies(t -> assertThat(code(t)).isEqualTo(Status.Code.INVALID_ARGUMENT))
            .hasMessageContaining("request is too large");
        assertThatThrownBy(() -> kv(channel).put(PutRequest.newBuilder().setKey(bs("k"))
            .setValue(ByteString.copyFrom(new byte[MAX_VALUE + 1])).build()))
            .satisfies(t -> assertThat(code(t)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThatThrownBy(() -> kv(channel).put(PutRequest.newBuilder().setKey(bs("k"))
            .setValue(ByteString.copyFrom(new byte[MAX_REQUEST + 1])).build()))
            .satisfies(t -> assertThat(code(t)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertNothingChangedAndBothConnectionsWork();
    }

    @Test
    void emptyKeysNegativeLimitsAndInvertedRangesAreHandled() {
        assertThatThrownBy(() -> kv(channel).put(PutRequest.newBuilder().setValue(bs("v")).build()))
            .satisfies(t -> assertThat(code(t)).isEqualTo(Status.Code.INVALID_ARGUMENT))
            .hasMessageContaining("key is not provided");
        assertThatThrownBy(() -> kv(channel).range(RangeRequest.newBuilder().setKey(bs("a")).setLimit(-1).build()))
            .satisfies(t -> assertThat(code(t)).isEqualTo(Status.Code.INVALID_ARGUMENT));
        assertThat(kv(channel).range(RangeRequest.newBuilder().setKey(bs("z")).setRangeEnd(bs("a")).build())
            .getKvsList()).as("an end before the start is an empty range, as in etcd").isEmpty();
        assertNothingChangedAndBothConnectionsWork();
    }

    private static RequestOp putOp(String key) {
        return RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bs(key)).setValue(bs("v"))).build();
    }

    /** Refused as etcd refuses them, with its codes and messages (checked against etcd 3.4.23). */
    @Test
    void txnsThatWriteAKeyTwiceOrHaveTooManyOperationsAndKeepingAnAbsentKeyAreRefused() {
        assertThatThrownBy(() -> kv(channel).txn(TxnRequest.newBuilder().addSuccess(putOp("d")).addSuccess(putOp("d"))
            .build())).satisfies(t -> assertThat(code(t)).isEqualTo(Status.Code.INVALID_ARGUMENT))
            .hasMessageContaining("etcdserver: duplicate key given in txn request");
        assertThatThrownBy(() -> kv(channel).txn(TxnRequest.newBuilder().addFailure(putOp("d")).addFailure(
            RequestOp.newBuilder().setRequestDeleteRange(DeleteRangeRequest.newBuilder().setKey(bs("a"))
                .setRangeEnd(bs("z")))).build()))
            .as("a put inside a delete of the same branch, in the branch that does not run")
            .satisfies(t -> assertThat(code(t)).isEqualTo(Status.Code.INVALID_ARGUMENT))
            .hasMessageContaining("duplicate key");
        TxnRequest.Builder many = TxnRequest.newBuilder();
        for (int i = 0; i <= TxnChecks.DEFAULT_MAX_OPS; i++) {
            many.addSuccess(putOp("m" + i));
        }
        assertThatThrownBy(() -> kv(channel).txn(many.build()))
            .satisfies(t -> assertThat(code(t)).isEqualTo(Status.Code.INVALID_ARGUMENT))
            .hasMessageContaining("etcdserver: too many operations in txn request");
        assertThatThrownBy(() -> kv(channel).put(PutRequest.newBuilder().setKey(bs("absent")).setIgnoreValue(true).build()))
            .satisfies(t -> assertThat(code(t)).as("etcd's ErrGRPCKeyNotFound").isEqualTo(Status.Code.INVALID_ARGUMENT))
            .hasMessageContaining("etcdserver: key not found");
        assertNothingChangedAndBothConnectionsWork();
    }

    /** As etcd's: the responses inside a Txn carry the revision only in their headers. */
    @Test
    void theResponsesInsideATxnCarryOnlyTheRevisionInTheirHeaders() {
        TxnResponse r = kv(channel).txn(TxnRequest.newBuilder().addSuccess(RequestOp.newBuilder()
            .setRequestRange(RangeRequest.newBuilder().setKey(bs("safe")))).addSuccess(putOp("other")).build());
        assertThat(r.getHeader().getMemberId()).isNotZero();
        assertThat(r.getResponsesList()).hasSize(2).allSatisfy(op -> {
            var header = op.hasResponseRange() ? op.getResponseRange().getHeader() : op.getResponsePut().getHeader();
            assertThat(header.getRevision()).isEqualTo(r.getHeader().getRevision());
            assertThat(header.getMemberId()).isZero();
            assertThat(header.getClusterId()).isZero();
            assertThat(header.getRaftTerm()).isZero();
        });
    }

    /** Sends raw bytes as a request of {@code method}. */
    private byte[] raw(String method, byte[] body) {
        MethodDescriptor<byte[], byte[]> m = MethodDescriptor.<byte[], byte[]>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName(method)
            .setRequestMarshaller(RawBytes.MARSHALLER).setResponseMarshaller(RawBytes.MARSHALLER).build();
        return ClientCalls.blockingUnaryCall(channel, m, CallOptions.DEFAULT.withDeadlineAfter(10, TimeUnit.SECONDS),
            body);
    }

    @Test
    void malformedProtobufAndUnknownMethodsAreRefused() {
        byte[] garbage = {(byte) 0x0a, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f, 1, 2};
        assertThatThrownBy(() -> raw("etcdserverpb.KV/Put", garbage))
            .satisfies(t -> assertThat(code(t)).as(t.toString()).isEqualTo(Status.Code.INVALID_ARGUMENT))
            .hasMessageContaining("malformed request");
        assertThatThrownBy(() -> raw("etcdserverpb.KV/NoSuchMethod", new byte[0]))
            .satisfies(t -> assertThat(code(t)).isEqualTo(Status.Code.UNIMPLEMENTED));
        assertThatThrownBy(() -> raw("no.such.Service/Call", new byte[0]))
            .satisfies(t -> assertThat(code(t)).isEqualTo(Status.Code.UNIMPLEMENTED));
        assertNothingChangedAndBothConnectionsWork();
    }
}
