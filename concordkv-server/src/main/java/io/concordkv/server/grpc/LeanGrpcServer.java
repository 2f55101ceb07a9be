package io.concordkv.server.grpc;

import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * ConcordKV's own gRPC server transport: HTTP/2 on Netty ({@link LeanConnection}), serving
 * grpc-java service definitions as they are (generated stubs, interceptors, marshallers), each
 * call through a {@link LeanServerCall}. It replaces what grpc-java's Netty server does per call
 * (stream and call objects with executors and contexts, header conversion through its metadata
 * model, a write queue of commands), which on this 2-core machine was most of the server's CPU
 * per put. Unary and streaming calls, deadlines ({@code grpc-timeout}), cancellation, flow control
 * both ways, transport filters, trailers-only errors; no compression and no TLS (the server
 * listens on plaintext only). Thread-safe.
 */
public final class LeanGrpcServer implements AutoCloseable {
    private final Map<String, ServerMethodDefinition<?, ?>> methods = new HashMap<>();
    private final List<ServerTransportFilter> filters;
    private final int maxMessageBytes;
    private final Set<LeanConnection> connections = new HashSet<>();
    private final EventLoopGroup group;
    private Channel listener;

    private LeanGrpcServer(List<ServerServiceDefinition> services, List<ServerTransportFilter> filters,
                           int maxMessageBytes, int threads) {
        for (ServerServiceDefinition s : services) {
            for (ServerMethodDefinition<?, ?> m : s.getMethods()) {
                methods.put(m.getMethodDescriptor().getFullMethodName(), m);
            }
        }
        this.filters = List.copyOf(filters);
        this.maxMessageBytes = maxMessageBytes;
        this.group = new NioEventLoopGroup(threads, new DefaultThreadFactory("concordkv-grpc", true));
    }

    /**
     * Listens on {@code address} and serves {@code services}.
     *
     * @param threads event loops (each connection stays on one)
     * @throws Exception what binding threw (the address is taken, say); nothing is left running
     */
    public static LeanGrpcServer start(InetSocketAddress address, List<ServerServiceDefinition> services,
                                       List<ServerTransportFilter> filters, int maxMessageBytes, int threads)
        throws Exception {
        LeanGrpcServer server = new LeanGrpcServer(services, filters, maxMessageBytes, threads);
        try {
            server.listener = new ServerBootstrap().group(server.group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        LeanConnection connection = new LeanConnection(server);
                        synchronized (server.connections) {
                            server.connections.add(connection);
                        }
                        ch.pipeline().addLast(connection);
                    }
                }).bind(address).sync().channel();
        } catch (Exception e) {
            server.group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
            throw e;
        }
        return server;
    }

    public int port() {
        return ((InetSocketAddress) listener.localAddress()).getPort();
    }

    ServerMethodDefinition<?, ?> method(String fullName) {
        return methods.get(fullName);
    }

    List<ServerTransportFilter> filters() {
        return filters;
    }

    int maxMessageBytes() {
        return maxMessageBytes;
    }

    void closed(LeanConnection connection) {
        synchronized (connections) {
            connections.remove(connection);
            connections.notifyAll();
        }
    }

    /**
     * Stops listening and sends every connection GOAWAY; waits up to {@code grace} for their calls to
     * end, then closes what is left (its calls are cancelled).
     */
    public void close(Duration grace) {
        listener.close().awaitUninterruptibly();
        List<LeanConnection> open;
        synchronized (connections) {
            open = List.copyOf(connections);
        }
        open.forEach(LeanConnection::goAway);
        long deadline = System.nanoTime() + grace.toNanos();
        synchronized (connections) {
            long left;
            while (!connections.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
                try {
                    TimeUnit.NANOSECONDS.timedWait(connections, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            open = List.copyOf(connections);
        }
        open.forEach(LeanConnection::closeNow);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(5));
    }
}
