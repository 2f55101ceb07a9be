package io.concordkv.server.grpc;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallExecutorSupplier;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.util.internal.ThreadExecutorMap;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC endpoint on the client address: the etcd services and ConcordKV's own, one Netty
 * server. Handlers that never block run on the event loops ({@link #NON_BLOCKING}); malformed
 * protobuf is answered {@code INVALID_ARGUMENT} ({@link MalformedRequests}). Requests over {@code maxRequestBytes} are refused by gRPC before they are parsed
 * ({@code RESOURCE_EXHAUSTED}), and each call knows its connection ({@link ConnectionOwners}).
 * Owns the gRPC server.
 */
public final class GrpcEndpoint implements AutoCloseable {
    /**
     * Methods whose handlers never block (reads, and writes that complete when their group commit
     * does): run on the connection's event loop, with no thread hand-off. Every other method runs
     * on gRPC's default executor (Status among them: the store's statistics wait for the log lock,
     * which a group commit holds through its fsync).
     */
    static final Set<String> NON_BLOCKING = Set.of("etcdserverpb.KV/Range", "etcdserverpb.KV/Put",
        "etcdserverpb.KV/DeleteRange", "etcdserverpb.KV/Txn", "etcdserverpb.Watch/Watch",
        "etcdserverpb.Lease/LeaseKeepAlive");
    private static final Executor DIRECT = Runnable::run;

    private final Server server;

    private GrpcEndpoint(Server server) {
        this.server = server;
    }

    /**
     * Starts serving {@code services} on {@code address}.
     *
     * @throws KvException {@code UNAVAILABLE} when the address is taken or cannot be bound
     */
    public static GrpcEndpoint start(InetSocketAddress address, int maxRequestBytes,
                                     List<ServerServiceDefinition> services, ConnectionOwners owners,
                                     ServerInterceptor... interceptors) {
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address).maxInboundMessageSize(maxRequestBytes)
            .addTransportFilter(owners.transportFilter())
            .callExecutor(new ServerCallExecutorSupplier() {
                @Override
                public <Q, R> Executor getExecutor(ServerCall<Q, R> call, Metadata headers) {
                    return NON_BLOCKING.contains(call.getMethodDescriptor().getFullMethodName()) ? DIRECT : null;
                }
            });
        for (ServerServiceDefinition s : services) {
            ServerServiceDefinition owned = ServerInterceptors.intercept(MalformedRequests.guard(s), owners.interceptor());
            builder.addService(ServerInterceptors.intercept(owned, interceptors));
        }
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            String why = inUse(e) ? "address in use" : e.getMessage();
            throw new KvException(ErrorCode.UNAVAILABLE, "cannot listen for gRPC clients on " + address + ": " + why, e);
        }
        return new GrpcEndpoint(server);
    }

    /**
     * The event loop the calling thread runs, or null on any other thread. A handler in
     * {@link #NON_BLOCKING} runs on its connection's event loop: work it continues there (a
     * linearizable read once its ReadIndex round is done) writes its answer with no hand-off.
     */
    public static Executor currentEventLoop() {
        return ThreadExecutorMap.currentExecutor();
    }

    /** Whether binding failed because the address is taken (a BindException, or Netty's native error). */
    private static boolean inUse(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException || t.getMessage() != null && t.getMessage().contains("in use")) {
                return true;
            }
        }
        return false;
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
