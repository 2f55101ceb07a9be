package io.concordkv.bench.kv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.KeyValue;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The generator's lean gRPC client against a grpc-java server: answers, errors, flow control, stream limits. */
class GrpcH2ConnectionTest {
    private final EventLoopGroup loops = new NioEventLoopGroup(1);
    private final List<Server> servers = new ArrayList<>();

    /** An in-memory KV: a put stores and returns the new revision, a range returns the key's value if present. */
    private static class MemoryKv extends KVGrpc.KVImplBase {
        final ConcurrentHashMap<ByteString, ByteString> data = new ConcurrentHashMap<>();
        final AtomicLong revision = new AtomicLong();

        @Override
        public void put(PutRequest request, StreamObserver<PutResponse> answer) {
            if (request.getKey().toStringUtf8().equals("fail")) {
                answer.onError(Status.FAILED_PRECONDITION.withDescription("no – 100% refused\nsecond line").asException());
                return;
            }
            data.put(request.getKey(), request.getValue());
            answer.onNext(PutResponse.newBuilder()
                .setHeader(ResponseHeader.newBuilder().setRevision(revision.incrementAndGet())).build());
            answer.onCompleted();
        }

        @Override
        public void range(RangeRequest request, StreamObserver<RangeResponse> answer) {
            RangeResponse.Builder response = RangeResponse.newBuilder();
            ByteString value = data.get(request.getKey());
            if (value != null) {
                response.addKvs(KeyValue.newBuilder().setKey(request.getKey()).setValue(value)).setCount(1);
            }
            answer.onNext(response.build());
            answer.onCompleted();
        }
    }

    /** What one call ended with. */
    private record Outcome(int status, String description, Object response) {
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Server server : servers) {
            server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).await(5, TimeUnit.SECONDS);
    }

    private GrpcH2Connection connect(MemoryKv kv, UnaryOperator<NettyServerBuilder> tune) throws Exception {
        Server server = tune.apply(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).addService(kv))
            .build().start();
        servers.add(server);
        return GrpcH2Connection.connect(loops, "127.0.0.1", server.getPort());
    }

    private static CompletableFuture<Outcome> put(GrpcH2Connection connection, String key, ByteString value) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        connection.call("/etcdserverpb.KV/Put", PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                .setValue(value).build(), PutResponse.parser(),
            (status, description, response) -> outcome.complete(new Outcome(status, description, response)));
        return outcome;
    }

    private static CompletableFuture<Outcome> range(GrpcH2Connection connection, String key) {
        CompletableFuture<Outcome> outcome = new CompletableFuture<>();
        connection.call("/etcdserverpb.KV/Range", RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8(key)).build(),
            RangeResponse.parser(), (status, description, response) -> outcome.complete(new Outcome(status, description, response)));
        return outcome;
    }

    @Test
    void callsAreAnsweredWithTheServersParsedResponses() throws Exception {
        MemoryKv kv = new MemoryKv();
        GrpcH2Connection connection = connect(kv, b -> b);
        Outcome first = put(connection, "a", ByteString.copyFromUtf8("one")).get(10, TimeUnit.SECONDS);
        Outcome second = put(connection, "b", ByteString.copyFromUtf8("two")).get(10, TimeUnit.SECONDS);
        assertThat(first.status()).isZero();
        assertThat(((PutResponse) first.response()).getHeader().getRevision()).isEqualTo(1);
        assertThat(((PutResponse) second.response()).getHeader().getRevision()).isEqualTo(2);

        Outcome found = range(connection, "b").get(10, TimeUnit.SECONDS);
        assertThat(found.status()).isZero();
        assertThat(((RangeResponse) found.response()).getKvs(0).getValue().toStringUtf8()).isEqualTo("two");
        Outcome missing = range(connection, "zz").get(10, TimeUnit.SECONDS);
        assertThat(((RangeResponse) missing.response()).getKvsCount()).isZero();
    }

    @Test
    void aServerErrorArrivesWithItsCodeAndDecodedMessage() throws Exception {
        GrpcH2Connection connection = connect(new MemoryKv(), b -> b);
        Outcome failed = put(connection, "fail", ByteString.EMPTY).get(10, TimeUnit.SECONDS);
        assertThat(failed.status()).isEqualTo(Status.Code.FAILED_PRECONDITION.value());
        assertThat(failed.description()).isEqualTo("no – 100% refused\nsecond line");
        assertThat(failed.response()).isNull();
        assertThat(put(connection, "after", ByteString.EMPTY).get(10, TimeUnit.SECONDS).status())
            .as("the connection still serves").isZero();
    }

    @Test
    void requestsLargerThanTheServersWindowsAreSentAsTheWindowsOpen() throws Exception {
        MemoryKv kv = new MemoryKv();
        // a 64 KiB receive window per stream and connection: a 300 KB request needs several window updates
        GrpcH2Connection connection = connect(kv, b -> b.flowControlWindow(65_535).maxInboundMessageSize(1 << 20));
        byte[] big = new byte[300_000];
        new java.util.Random(7).nextBytes(big);
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            outcomes.add(put(connection, "big" + i, ByteString.copyFrom(big)));
        }
        for (CompletableFuture<Outcome> outcome : outcomes) {
            assertThat(outcome.get(10, TimeUnit.SECONDS).status()).isZero();
        }
        assertThat(kv.data.get(ByteString.copyFromUtf8("big3")).toByteArray()).isEqualTo(big);
    }

    /** A response in many DATA frames (16 KiB each at most) is put together; small ones in between come whole. */
    @Test
    void responsesInPiecesAndWholeResponsesAreBothRead() throws Exception {
        MemoryKv kv = new MemoryKv();
        GrpcH2Connection connection = connect(kv, b -> b.maxInboundMessageSize(1 << 20));
        byte[] big = new byte[300_000];
        new java.util.Random(11).nextBytes(big);
        kv.data.put(ByteString.copyFromUtf8("big"), ByteString.copyFrom(big));
        kv.data.put(ByteString.copyFromUtf8("small"), ByteString.copyFromUtf8("s"));
        List<CompletableFuture<Outcome>> bigs = new ArrayList<>();
        List<CompletableFuture<Outcome>> smalls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            bigs.add(range(connection, "big"));
            smalls.add(range(connection, "small"));
        }
        for (int i = 0; i < 3; i++) {
            Outcome b = bigs.get(i).get(10, TimeUnit.SECONDS);
            assertThat(b.status()).isZero();
            assertThat(((RangeResponse) b.response()).getKvs(0).getValue().toByteArray()).isEqualTo(big);
            Outcome s = smalls.get(i).get(10, TimeUnit.SECONDS);
            assertThat(((RangeResponse) s.response()).getKvs(0).getValue().toStringUtf8()).isEqualTo("s");
        }
    }

    @Test
    void callsBeyondTheServersStreamLimitWaitForAFreeStream() throws Exception {
        MemoryKv kv = new MemoryKv();
        GrpcH2Connection connection = connect(kv, b -> b.maxConcurrentCallsPerConnection(2));
        List<CompletableFuture<Outcome>> outcomes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            outcomes.add(put(connection, "k" + i, ByteString.copyFromUtf8("v" + i)));
        }
        for (CompletableFuture<Outcome> outcome : outcomes) {
            assertThat(outcome.get(10, TimeUnit.SECONDS).status()).as("no call refused").isZero();
        }
        assertThat(kv.data).hasSize(50);
    }

    @Test
    void aRequestOverTheServersLimitFailsAloneWithResourceExhausted() throws Exception {
        GrpcH2Connection connection = connect(new MemoryKv(), b -> b.maxInboundMessageSize(1_000));
        Outcome refused = put(connection, "k", ByteString.copyFrom(new byte[200_000])).get(10, TimeUnit.SECONDS);
        assertThat(refused.status()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED.value());
        assertThat(put(connection, "small", ByteString.copyFromUtf8("v")).get(10, TimeUnit.SECONDS).status())
            .as("the connection still serves").isZero();
    }

    @Test
    void callsInFlightFailUnavailableWhenTheServerGoesAway() throws Exception {
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        MemoryKv stuck = new MemoryKv() {
            @Override
            public void range(RangeRequest request, StreamObserver<RangeResponse> answer) {
                entered.countDown();
                try {
                    never.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        GrpcH2Connection connection = connect(stuck, b -> b);
        CompletableFuture<Outcome> pending = range(connection, "x");
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        servers.get(0).shutdownNow();
        Outcome outcome = pending.get(10, TimeUnit.SECONDS);
        never.countDown();
        assertThat(outcome.status()).as("reset (as grpc-java reports it) or cut off")
            .isIn(Status.Code.CANCELLED.value(), Status.Code.UNAVAILABLE.value());
        assertThat(range(connection, "y").get(10, TimeUnit.SECONDS).status())
            .as("a closed connection refuses new calls").isEqualTo(Status.Code.UNAVAILABLE.value());
    }

    /** A client sends its next request from the answer to the last: on a closed connection that must not recurse. */
    @Test
    void aClientRetryingFromItsAnswersOnAClosedConnectionDoesNotOverflowTheStack() throws Exception {
        GrpcH2Connection connection = connect(new MemoryKv(), b -> b);
        servers.get(0).shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        assertThat(range(connection, "x").get(10, TimeUnit.SECONDS).status()).isEqualTo(Status.Code.UNAVAILABLE.value());
        CompletableFuture<Integer> failures = new CompletableFuture<>();
        new Object() {
            int failed;

            void next() {
                connection.call("/etcdserverpb.KV/Range", RangeRequest.getDefaultInstance(), RangeResponse.parser(),
                    (status, description, response) -> {
                        if (++failed == 100_000) {
                            failures.complete(failed);
                        } else {
                            next();
                        }
                    });
            }
        }.next();
        assertThat(failures.get(30, TimeUnit.SECONDS)).isEqualTo(100_000);
    }

    @Test
    void percentEncodedMessagesDecode() {
        assertThat(GrpcMessages.percentDecode("plain")).isEqualTo("plain");
        assertThat(GrpcMessages.percentDecode("a%20b%E2%80%93c%")).isEqualTo("a b–c%");
        assertThat(GrpcMessages.percentDecode("bad%zz")).isEqualTo("bad%zz");
    }
}
