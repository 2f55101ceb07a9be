package io.concordkv.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.CallOptions;
import io.grpc.ManagedChannel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The endpoint runs calls on their connection's event loop (gRPC's direct executor) and moves the
 * methods that may block onto a pool ({@link GrpcEndpoint#offloadBlocking}): a blocked handler must
 * not hold up other calls on its connection, and a failing one must still answer.
 */
class OffloadedTest {
    /** A name in {@link GrpcEndpoint#NON_BLOCKING}: runs on the event loop. */
    static final MethodDescriptor<byte[], byte[]> RANGE = method("etcdserverpb.KV/Range");
    /** Names not in it: run on the pool. */
    static final MethodDescriptor<byte[], byte[]> BLOCK = method("test.Probe/Block");
    static final MethodDescriptor<byte[], byte[]> FAIL = method("test.Probe/Fail");
    static final MethodDescriptor<byte[], byte[]> FAIL_TO_START = method("test.Probe/FailToStart");

    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    final AtomicReference<String> blockThread = new AtomicReference<>();
    final AtomicReference<Boolean> rangeOnEventLoop = new AtomicReference<>();
    ExecutorService pool;
    Server server;
    ManagedChannel channel;

    static MethodDescriptor<byte[], byte[]> method(String name) {
        return MethodDescriptor.<byte[], byte[]>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(name).setRequestMarshaller(RawBytes.MARSHALLER)
            .setResponseMarshaller(RawBytes.MARSHALLER).build();
    }

    @BeforeEach
    void start() throws Exception {
        pool = Executors.newCachedThreadPool(r -> new Thread(r, "test-blocking-pool"));
        ServerServiceDefinition kv = ServerServiceDefinition.builder("etcdserverpb.KV")
            .addMethod(RANGE, ServerCalls.asyncUnaryCall((req, out) -> {
                rangeOnEventLoop.set(GrpcEndpoint.currentEventLoop() != null);
                out.onNext(req);
                out.onCompleted();
            })).build();
        ServerServiceDefinition probe = ServerServiceDefinition.builder("test.Probe")
            .addMethod(BLOCK, ServerCalls.asyncUnaryCall((req, out) -> {
                blockThread.set(Thread.currentThread().getName());
                started.countDown();
                try {
                    release.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                out.onNext(req);
                out.onCompleted();
            }))
            .addMethod(FAIL, ServerCalls.asyncUnaryCall((req, out) -> {
                throw new IllegalStateException("the handler failed");
            }))
            .addMethod(FAIL_TO_START, (call, headers) -> {
                throw new IllegalStateException("the call could not start");
            }).build();
        server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)).directExecutor()
            .addService(GrpcEndpoint.offloadBlocking(kv, pool))
            .addService(GrpcEndpoint.offloadBlocking(probe, pool)).build().start();
        channel = NettyChannelBuilder.forAddress("127.0.0.1", server.getPort()).usePlaintext().build();
    }

    @AfterEach
    void stop() throws Exception {
        release.countDown();
        channel.shutdownNow();
        server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
        pool.shutdownNow();
    }

    CallOptions deadline() {
        return CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS);
    }

    @Test
    void aBlockedHandlerRunsOnThePoolAndCallsOnTheSameConnectionGoOnMeanwhile() throws Exception {
        ListenableFuture<byte[]> blocked = ClientCalls.futureUnaryCall(channel.newCall(BLOCK, deadline()), new byte[] {1});
        assertThat(started.await(20, TimeUnit.SECONDS)).as("the blocking handler started").isTrue();

        // the same connection, while the handler above waits: with it on the event loop this would hang
        byte[] echoed = ClientCalls.blockingUnaryCall(channel, RANGE, deadline(), new byte[] {2});

        assertThat(echoed).containsExactly(2);
        assertThat(rangeOnEventLoop.get()).as("Range ran on an event loop").isTrue();
        assertThat(blocked.isDone()).as("the blocked call is still waiting").isFalse();
        assertThat(blockThread.get()).isEqualTo("test-blocking-pool");
        release.countDown();
        assertThat(blocked.get(20, TimeUnit.SECONDS)).containsExactly(1);
    }

    @Test
    void aHandlerThatThrowsOnThePoolClosesItsCallWithUnknown() {
        for (MethodDescriptor<byte[], byte[]> failing : java.util.List.of(FAIL, FAIL_TO_START)) {
            assertThatThrownBy(() -> ClientCalls.blockingUnaryCall(channel, failing, deadline(), new byte[] {3}))
                .as(failing.getFullMethodName())
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                    e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNKNOWN));
        }
        assertThat(ClientCalls.blockingUnaryCall(channel, RANGE, deadline(), new byte[] {4})).containsExactly(4);
    }
}
