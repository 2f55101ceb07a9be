package io.concordkv.raft.transport;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.LengthFieldBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link PeerTransport} on Netty 4.1 (NIO, pooled buffers): one listening socket for peers'
 * connections, and one outbound connection per peer this node sends to (see the package
 * documentation for why connections are one-way, and for the wire format).
 *
 * <p>Threads: all methods may be called from any thread but an I/O thread of this transport
 * ({@link #close()} waits for those threads). The inbound handler runs on I/O threads: messages of
 * one connection in order on one thread, different peers possibly in parallel on different
 * threads; it must be thread-safe and quick (hand the message to the Raft runtime's own thread).
 */
public final class NettyPeerTransport implements PeerTransport {
    private static final Logger LOG = LoggerFactory.getLogger(NettyPeerTransport.class);

    private final long nodeId;
    private final InetSocketAddress listenAddress;
    private final Consumer<Message> inbound;
    private final Random random;
    private final TransportContext ctx;
    private final EventLoopGroup group;
    private final ChannelGroup inboundChannels;
    private final Map<Long, OutboundPeer> peers = new ConcurrentHashMap<>();
    private final Object lifecycle = new Object();
    private volatile Channel serverChannel;
    private volatile boolean closed;

    /**
     * A transport for member {@code nodeId} of cluster {@code clusterId}; nothing is bound or dialled
     * until {@link #start()} and the first {@link #send}.
     *
     * @param inbound receives every message from peers, on I/O threads
     * @param listener receives reports of unreachable peers and sent snapshots
     * @param random draws the reconnection jitter (seed it in tests)
     */
    public NettyPeerTransport(long nodeId, long clusterId, InetSocketAddress listenAddress, Consumer<Message> inbound,
                              TransportListener listener, TransportConfig config, Random random) {
        if (nodeId <= 0) {
            throw new IllegalArgumentException("node ids are positive: " + nodeId);
        }
        this.nodeId = nodeId;
        this.listenAddress = Objects.requireNonNull(listenAddress, "listenAddress");
        this.inbound = Objects.requireNonNull(inbound, "inbound");
        this.random = Objects.requireNonNull(random, "random");
        this.ctx = new TransportContext(nodeId, clusterId, Objects.requireNonNull(config, "config"),
            new TransportCounters(), Objects.requireNonNull(listener, "listener"), PooledByteBufAllocator.DEFAULT);
        this.group = new NioEventLoopGroup(config.ioThreads(),
            new DefaultThreadFactory("concordkv-raft-transport-" + nodeId, true));
        this.inboundChannels = new DefaultChannelGroup("raft-inbound-" + nodeId, group.next());
    }

    /** A transport with an unseeded random source for the jitter. */
    public NettyPeerTransport(long nodeId, long clusterId, InetSocketAddress listenAddress, Consumer<Message> inbound,
                              TransportListener listener, TransportConfig config) {
        this(nodeId, clusterId, listenAddress, inbound, listener, config, new Random());
    }

    @Override
    public void start() {
        synchronized (lifecycle) {
            if (closed || serverChannel != null) {
                throw new IllegalStateException(closed ? "transport closed" : "transport already started");
            }
            ChannelFuture bound = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.ALLOCATOR, ctx.alloc())
                .childOption(ChannelOption.ALLOCATOR, ctx.alloc())
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        inboundChannels.add(ch);
                        ch.pipeline().addLast(
                            new LengthFieldBasedFrameDecoder(ctx.config().maxFrameBytes(), 0, Frames.LENGTH_BYTES, 0,
                                Frames.LENGTH_BYTES),
                            new InboundHandler(ctx, inbound));
                    }
                })
                .bind(listenAddress).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                String why = bound.cause() instanceof BindException ? "address in use" : String.valueOf(bound.cause());
                throw new KvException(ErrorCode.UNAVAILABLE,
                    "cannot listen for raft peers on " + listenAddress + ": " + why, bound.cause());
            }
            serverChannel = bound.channel();
            LOG.info("raft transport {}: listening for peers on {}", nodeId, localAddress());
        }
    }

    @Override
    public InetSocketAddress localAddress() {
        Channel ch = serverChannel;
        if (ch == null) {
            throw new IllegalStateException("transport not started");
        }
        return (InetSocketAddress) ch.localAddress();
    }

    @Override
    public void send(Message m) {
        if (m.type().isLocal() || m.to() == nodeId) {
            throw new IllegalArgumentException("not a message for a peer: " + m);
        }
        OutboundPeer peer = peers.get(m.to());
        if (peer != null && !closed) {
            peer.send(m);
            return;
        }
        ctx.counters().messagesDropped.incrementAndGet();
        if (!closed) {
            LOG.debug("raft transport {}: dropped {} for unknown peer {}", nodeId, m, m.to());
            if (m.type() == MessageType.SNAP) {
                ctx.snapshotStatus(m.to(), false);
            }
            ctx.unreachable(m.to());
        }
    }

    @Override
    public void addPeer(long id, InetSocketAddress address) {
        if (id <= 0 || id == nodeId) {
            throw new IllegalArgumentException("bad peer id " + id + " for node " + nodeId);
        }
        Objects.requireNonNull(address, "address");
        synchronized (lifecycle) {
            if (closed) {
                throw new IllegalStateException("transport closed");
            }
            OutboundPeer old = peers.get(id);
            if (old != null && old.address().equals(address)) {
                return;
            }
            peers.put(id, new OutboundPeer(id, address, group.next(), ctx, random));
            if (old != null) {
                old.shutdown();
            }
            LOG.info("raft transport {}: peer {} at {}{}", nodeId, id, address,
                old == null ? "" : " (was " + old.address() + ")");
        }
    }

    @Override
    public void removePeer(long id) {
        synchronized (lifecycle) {
            OutboundPeer old = peers.remove(id);
            if (old != null) {
                old.shutdown();
                LOG.info("raft transport {}: removed peer {}", nodeId, id);
            }
        }
    }

    @Override
    public TransportStats stats() {
        long messages = 0;
        long bytes = 0;
        for (OutboundPeer p : peers.values()) {
            messages += p.queue().size();
            bytes += p.queue().bytes();
        }
        return ctx.counters().snapshot(messages, bytes);
    }

    @Override
    public void close() {
        synchronized (lifecycle) {
            if (closed) {
                return;
            }
            closed = true;
            peers.values().forEach(OutboundPeer::shutdown);
            peers.clear();
        }
        Channel server = serverChannel;
        if (server != null) {
            server.close().awaitUninterruptibly();
        }
        inboundChannels.close().awaitUninterruptibly();
        if (!group.shutdownGracefully(0, 5, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS)) {
            LOG.warn("raft transport {}: I/O threads did not stop within 10 s", nodeId);
        }
        LOG.info("raft transport {}: closed", nodeId);
    }
}
