package io.concordkv.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.WatchGrpc;
import io.etcd.jetcd.api.WatchRequest;
import io.etcd.jetcd.api.WatchResponse;
import io.grpc.Attributes;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.Grpc;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link LeanGrpcServer} serving grpc-java service definitions, called by grpc-java's own client. */
@Timeout(60)
class LeanGrpcServerTest {
    private static final Metadata.Key<String> CODE = Metadata.Key.of("concordkv-error-code",
        Metadata.ASCII_STRING_MARSHALLER);

    private final List<LeanGrpcServer> servers = new ArrayList<>();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final CountDownLatch cancelled = new CountDownLatch(1);
    private final AtomicBoolean wentUnready = new AtomicBoolean();
    private final List<SocketAddress> ready = new CopyOnWriteArrayList<>();
    private final List<SocketAddress> terminated = new CopyOnWriteArrayList<>();

    /** Put answers with revision = value length; Range fails (or, for key "hang", never answers). */
    private final class Kv extends KVGrpc.KVImplBase {
        @Override
        public void put(PutRequest request, StreamObserver<PutResponse> out) {
            out.onNext(PutResponse.newBuilder().setHeader(ResponseHeader.newBuilder()
                .setRevision(request.getValue().size())).build());
            out.onCompleted();
        }

        @Override
        public void range(RangeRequest request, StreamObserver<RangeResponse> out) {
            if (request.getKey().toStringUtf8().equals("hang")) {
                ((ServerCallStreamObserver<RangeResponse>) out).setOnCancelHandler(cancelled::countDown);
                return;
            }
            Metadata trailers = new Metadata();
            trailers.put(CODE, "NOT_FOUND");
            out.onError(Status.FAILED_PRECONDITION.withDescription("nö – 100%\nrefused").asRuntimeException(trailers));
        }
    }

    /** Snapshot streams {@code chunks} blobs of 64 KiB as the client's window allows; each blob is filled with its index. */
    private final class Maintenance extends MaintenanceGrpc.MaintenanceImplBase {
        @Override
        public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
            ServerCallStreamObserver<SnapshotResponse> call = (ServerCallStreamObserver<SnapshotResponse>) out;
            int chunks = 64;
            int[] next = {0};
            call.setOnReadyHandler(() -> {
                while (next[0] < chunks && call.isReady()) {
                    byte[] blob = new byte[64 * 1024];
                    java.util.Arrays.fill(blob, (byte) next[0]);
                    call.onNext(SnapshotResponse.newBuilder().setBlob(ByteString.copyFrom(blob))
                        .setRemainingBytes(chunks - 1 - next[0]).build());
                    next[0]++;
                }
                if (next[0] < chunks) {
                    wentUnready.set(true);
                } else if (next[0] == chunks) {
                    next[0]++;
                    call.onCompleted();
                }
            });
        }
    }

    /** Watch answers each request with a response whose watch id counts the requests so far. */
    private static final class Watch extends WatchGrpc.WatchImplBase {
        @Override
        public StreamObserver<WatchRequest> watch(StreamObserver<WatchResponse> out) {
            AtomicLong seen = new AtomicLong();
            return new StreamObserver<>() {
                @Override
                public void onNext(WatchRequest request) {
                    out.onNext(WatchResponse.newBuilder().setWatchId(seen.incrementAndGet()).build());
                }

                @Override
                public void onError(Throwable t) {
                }

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ManagedChannel c : channels) {
            c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        for (LeanGrpcServer s : servers) {
            s.close(Duration.ofMillis(100));
        }
    }

    private LeanGrpcServer start(int maxMessageBytes) throws Exception {
        ServerTransportFilter filter = new ServerTransportFilter() {
            @Override
            public Attributes transportReady(Attributes attrs) {
                ready.add(attrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                return attrs;
            }

            @Override
            public void transportTerminated(Attributes attrs) {
                terminated.add(attrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
            }
        };
        List<ServerServiceDefinition> services = List.of(new Kv().bindService(), new Maintenance().bindService(),
            new Watch().bindService());
        LeanGrpcServer server = LeanGrpcServer.start(new InetSocketAddress("127.0.0.1", 0), services, List.of(filter),
            maxMessageBytes, 2);
        servers.add(server);
        return server;
    }

    private ManagedChannel channel(LeanGrpcServer server) {
        ManagedChannel c = ManagedChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext()
            .maxInboundMessageSize(1 << 20).build();
        channels.add(c);
        return c;
    }

    @Test
    void unaryCallsAnswerAndErrorsCarryTheirCodeMessageAndTrailers() throws Exception {
        ManagedChannel c = channel(start(1 << 20));
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(c);
        for (int i = 0; i < 3; i++) {
            assertThat(kv.put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .setValue(ByteString.copyFrom(new byte[i * 10])).build()).getHeader().getRevision()).isEqualTo(i * 10);
        }
        assertThatThrownBy(() -> kv.range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("k")).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
                assertThat(e.getStatus().getDescription()).isEqualTo("nö – 100%\nrefused");
                assertThat(e.getTrailers().get(CODE)).isEqualTo("NOT_FOUND");
            });
        assertThat(ready).hasSize(1);
        assertThat(ready.get(0)).isInstanceOf(InetSocketAddress.class);
    }

    @Test
    void aStreamLargerThanTheClientsWindowsWaitsForThemAndArrivesWhole() throws Exception {
        ManagedChannel c = channel(start(1 << 20));
        Iterator<SnapshotResponse> it = MaintenanceGrpc.newBlockingStub(c).snapshot(SnapshotRequest.getDefaultInstance());
        int index = 0;
        while (it.hasNext()) {
            SnapshotResponse r = it.next();
            assertThat(r.getBlob().size()).isEqualTo(64 * 1024);
            assertThat(r.getBlob().byteAt(100)).isEqualTo((byte) index);
            assertThat(r.getRemainingBytes()).isEqualTo(63 - index);
            index++;
        }
        assertThat(index).isEqualTo(64);
        assertThat(wentUnready).as("4 MiB against 64 KiB client windows: the call stopped being ready").isTrue();
    }

    @Test
    void bidirectionalStreamsCarryEveryMessageBothWays() throws Exception {
        ManagedChannel c = channel(start(1 << 20));
        LinkedBlockingQueue<Object> got = new LinkedBlockingQueue<>();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(c).watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse r) {
                got.add(r.getWatchId());
            }

            @Override
            public void onError(Throwable t) {
                got.add(t);
            }

            @Override
            public void onCompleted() {
                got.add("done");
            }
        });
        for (int i = 0; i < 3; i++) {
            requests.onNext(WatchRequest.getDefaultInstance());
        }
        requests.onCompleted();
        List<Object> seen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            seen.add(got.poll(10, TimeUnit.SECONDS));
        }
        assertThat(seen).containsExactly(1L, 2L, 3L, "done");
    }

    @Test
    void aRequestOverTheLimitFailsAloneAndTheConnectionServesOn() throws Exception {
        ManagedChannel c = channel(start(1024));
        KVGrpc.KVBlockingStub kv = KVGrpc.newBlockingStub(c);
        assertThatThrownBy(() -> kv.put(PutRequest.newBuilder().setValue(ByteString.copyFrom(new byte[4096])).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED));
        assertThat(kv.put(PutRequest.newBuilder().setValue(ByteString.copyFrom(new byte[100])).build())
            .getHeader().getRevision()).isEqualTo(100);
    }

    @Test
    void anUnknownMethodIsUnimplemented() throws Exception {
        ManagedChannel c = channel(start(1 << 20));
        MethodDescriptor<byte[], byte[]> nope = MethodDescriptor.newBuilder(RawBytes.MARSHALLER, RawBytes.MARSHALLER)
            .setType(MethodDescriptor.MethodType.UNARY).setFullMethodName("etcdserverpb.KV/Nope").build();
        assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(c, nope, CallOptions.DEFAULT, new byte[0]))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                assertThat(e.getStatus().getDescription()).isEqualTo("Method not found: etcdserverpb.KV/Nope");
            });
    }

    @Test
    void aCallPastItsDeadlineIsCancelledOnTheServer() throws Exception {
        ManagedChannel c = channel(start(1 << 20));
        KVGrpc.newBlockingStub(c).put(PutRequest.getDefaultInstance()); // connected first, as in the test below
        assertThatThrownBy(() -> KVGrpc.newBlockingStub(c).withDeadlineAfter(200, TimeUnit.MILLISECONDS)
            .range(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("hang")).build()))
            .isInstanceOfSatisfying(StatusRuntimeException.class, e ->
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED));
        assertThat(cancelled.await(10, TimeUnit.SECONDS)).as("the handler heard of the cancellation").isTrue();
    }

    @Test
    void aCallTheClientCancelsIsCancelledOnTheServer() throws Exception {
        ManagedChannel c = channel(start(1 << 20));
        // connected first: a call started while the channel connects waits in grpc-java's delayed
        // transport and may be overtaken by a later one (then cancelled there, never reaching the server)
        KVGrpc.newBlockingStub(c).put(PutRequest.getDefaultInstance());
        ClientCall<RangeRequest, RangeResponse> call = c.newCall(KVGrpc.getRangeMethod(), CallOptions.DEFAULT);
        call.start(new ClientCall.Listener<>() {
        }, new Metadata());
        call.sendMessage(RangeRequest.newBuilder().setKey(ByteString.copyFromUtf8("hang")).build());
        call.halfClose();
        call.request(1);
        // the same connection, in order: once this put is answered, the hanging call has reached the server
        KVGrpc.newBlockingStub(c).put(PutRequest.getDefaultInstance());
        call.cancel("test", null);
        assertThat(cancelled.await(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void aClientThatIsNotHttp2IsDisconnectedAndOthersAreServed() throws Exception {
        LeanGrpcServer server = start(1 << 20);
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            s.setSoTimeout(10_000);
            // the server's SETTINGS went out when it accepted; then it closes (a read timeout fails the test)
            byte[] sent = s.getInputStream().readAllBytes();
            assertThat(sent.length).as("at most the server's connection preface").isLessThan(100);
        }
        assertThat(KVGrpc.newBlockingStub(channel(server)).put(PutRequest.getDefaultInstance()).hasHeader()).isTrue();
    }

    /** Frames that break HTTP/2 end their own connection with GOAWAY; a call on another connection goes on. */
    @Test
    void aProtocolErrorClosesOnlyItsConnectionWithGoAway() throws Exception {
        LeanGrpcServer server = start(1 << 20);
        ManagedChannel other = channel(server);
        KVGrpc.newBlockingStub(other).put(PutRequest.getDefaultInstance());
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            java.io.ByteArrayOutputStream frames = new java.io.ByteArrayOutputStream();
            frames.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            frames.write(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0}); // empty SETTINGS
            // HEADERS (END_STREAM | END_HEADERS) on stream 2: even ids are the server's, a client may not open one
            frames.write(new byte[] {0, 0, 1, 1, 5, 0, 0, 0, 2, (byte) 0x83});
            s.getOutputStream().write(frames.toByteArray());
            s.getOutputStream().flush();
            s.setSoTimeout(10_000);
            byte[] got = s.getInputStream().readAllBytes(); // ends when the server closes
            boolean goAway = false;
            for (int at = 0; at + 9 <= got.length; ) {
                int length = (got[at] & 0xff) << 16 | (got[at + 1] & 0xff) << 8 | got[at + 2] & 0xff;
                goAway |= got[at + 3] == 7;
                at += 9 + length;
            }
            assertThat(goAway).as("a GOAWAY among the server's frames").isTrue();
        }
        assertThat(KVGrpc.newBlockingStub(other).put(PutRequest.newBuilder().setValue(ByteString.copyFromUtf8("ab"))
            .build()).getHeader().getRevision()).isEqualTo(2);
    }

    @Test
    void closingCutsOpenStreamsAfterTheGraceAndTellsTheTransportFilter() throws Exception {
        LeanGrpcServer server = start(1 << 20);
        ManagedChannel c = channel(server);
        LinkedBlockingQueue<Throwable> ended = new LinkedBlockingQueue<>();
        StreamObserver<WatchRequest> requests = WatchGrpc.newStub(c).watch(new StreamObserver<>() {
            @Override
            public void onNext(WatchResponse r) {
            }

            @Override
            public void onError(Throwable t) {
                ended.add(t);
            }

            @Override
            public void onCompleted() {
                ended.add(new IllegalStateException("completed"));
            }
        });
        requests.onNext(WatchRequest.getDefaultInstance());
        KVGrpc.newBlockingStub(c).put(PutRequest.getDefaultInstance());
        long start = System.nanoTime();
        server.close(Duration.ofMillis(300));
        servers.remove(server);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
        Throwable t = ended.poll(10, TimeUnit.SECONDS);
        assertThat(t).isInstanceOf(StatusRuntimeException.class);
        assertThat(((StatusRuntimeException) t).getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(terminated).hasSize(1);
    }

    @Test
    void manyConcurrentCallsOnOneConnectionAllAnswer() throws Exception {
        ManagedChannel c = channel(start(1 << 20));
        KVGrpc.KVFutureStub kv = KVGrpc.newFutureStub(c);
        long seed = System.nanoTime();
        System.out.println("manyConcurrentCallsOnOneConnectionAllAnswer seed " + seed);
        Random random = new Random(seed);
        List<Integer> sizes = new ArrayList<>();
        List<com.google.common.util.concurrent.ListenableFuture<PutResponse>> answers = new ArrayList<>();
        for (int i = 0; i < 2000; i++) {
            int size = random.nextInt(random.nextInt(10) == 0 ? 200_000 : 300);
            sizes.add(size);
            answers.add(kv.put(PutRequest.newBuilder().setValue(ByteString.copyFrom(new byte[size])).build()));
        }
        for (int i = 0; i < answers.size(); i++) {
            assertThat(answers.get(i).get(20, TimeUnit.SECONDS).getHeader().getRevision()).isEqualTo((long) sizes.get(i));
        }
    }
}
