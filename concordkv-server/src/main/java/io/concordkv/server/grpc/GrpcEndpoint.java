package io.concordkv.server.grpc;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.proto.v1.TransactionsGrpc;
import io.grpc.Server;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.util.internal.ThreadExecutorMap;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
     * on a pool ({@link Offloaded}; Status among them: the store's statistics wait for the log
     * lock, which a group commit holds through its fsync). The server runs on gRPC's direct
     * executor rather than choosing an executor per call: with a per-call choice gRPC looks each
     * method up on its default executor first, two thread hand-offs for every call.
     */
    static final Set<String> NON_BLOCKING = Set.of("etcdserverpb.KV/Range", "etcdserverpb.KV/Put",
        "etcdserverpb.KV/DeleteRange", "etcdserverpb.KV/Txn", "etcdserverpb.Watch/Watch",
        "etcdserverpb.Lease/LeaseKeepAlive");

    private final Server server;
    private final LeanGrpcServer lean;
    private final ExecutorService blocking;

    private GrpcEndpoint(Server server, LeanGrpcServer lean, ExecutorService blocking) {
        this.server = server;
        this.lean = lean;
        this.blocking = blocking;
    }

    /**
     * Starts serving {@code services} on {@code address}.
     *
     * @param lean serve with {@link LeanGrpcServer} (one event loop per core) instead of grpc-java's Netty server
     *
     * @throws KvException {@code UNAVAILABLE} when the address is taken or cannot be bound
     */
    public static GrpcEndpoint start(InetSocketAddress address, boolean lean, int maxRequestBytes,
                                     List<ServerServiceDefinition> services, ConnectionOwners owners,
                                     ServerInterceptor... interceptors) {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "concordkv-grpc-blocking-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<ServerServiceDefinition> definitions = new ArrayList<>();
        for (ServerServiceDefinition s : services) {
            // offloaded innermost: requests are parsed on the event loop, where their buffers live
            ServerServiceDefinition guarded = MalformedRequests.guard(offloadBlocking(s, blocking));
            // only interactive transactions need to know their connection; elsewhere the context
            // would cost every call a thread-local attach and detach around each of its callbacks
            ServerServiceDefinition owned = s.getServiceDescriptor().getName().equals(TransactionsGrpc.SERVICE_NAME)
                ? ServerInterceptors.intercept(guarded, owners.interceptor()) : guarded;
            definitions.add(ServerInterceptors.intercept(owned, interceptors));
        }
        if (lean) {
            try {
                return new GrpcEndpoint(null, LeanGrpcServer.start(address, definitions, List.of(owners.transportFilter()),
                    maxRequestBytes, Runtime.getRuntime().availableProcessors()), blocking);
            } catch (Exception e) {
                throw cannotListen(address, blocking, e);
            }
        }
        NettyServerBuilder builder = NettyServerBuilder.forAddress(address).maxInboundMessageSize(maxRequestBytes)
            .addTransportFilter(owners.transportFilter()).directExecutor();
        definitions.forEach(builder::addService);
        Server server = builder.build();
        try {
            server.start();
        } catch (IOException e) {
            throw cannotListen(address, blocking, e);
        }
        return new GrpcEndpoint(server, null, blocking);
    }

    /** Stops {@code blocking} and says why {@code address} could not be served. */
    private static KvException cannotListen(InetSocketAddress address, ExecutorService blocking, Exception e) {
        blocking.shutdownNow();
        String why = inUse(e) ? "address in use" : e.getMessage();
        return new KvException(ErrorCode.UNAVAILABLE, "cannot listen for gRPC clients on " + address + ": " + why, e);
    }

    /** {@code service} with every method not in {@link #NON_BLOCKING} run on {@code pool}. */
    static ServerServiceDefinition offloadBlocking(ServerServiceDefinition service, Executor pool) {
        ServerServiceDefinition.Builder b = ServerServiceDefinition.builder(service.getServiceDescriptor());
        for (ServerMethodDefinition<?, ?> m : service.getMethods()) {
            addMethod(b, m, pool);
        }
        return b.build();
    }

    private static <Q, R> void addMethod(ServerServiceDefinition.Builder b, ServerMethodDefinition<Q, R> m,
                                         Executor pool) {
        boolean direct = NON_BLOCKING.contains(m.getMethodDescriptor().getFullMethodName());
        b.addMethod(m.getMethodDescriptor(), direct ? m.getServerCallHandler()
            : new Offloaded<>(m.getServerCallHandler(), pool));
    }

    /**
     * The event loop the calling thread runs, or null on any other thread. A handler in
     * {@link #NON_BLOCKING} runs on its connection's event loop: work it continues there (a
     * linearizable read once its ReadIndex round is done) writes its answer with no hand-off.
     */
    public static Executor currentEventLoop() {
        Executor lean = io.netty.util.internal.ThreadExecutorMap.currentExecutor();
        return lean != null ? lean : ThreadExecutorMap.currentExecutor();
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
        return lean != null ? lean.port() : server.getPort();
    }

    @Override
    public void close() {
        if (lean != null) {
            try {
                lean.close(Duration.ofSeconds(5));
            } finally {
                blocking.shutdownNow();
            }
            return;
        }
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        } finally {
            blocking.shutdownNow();
        }
    }
}
