package io.concordkv.raft.transport;

import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.concordkv.raft.transport.PeerQueue.Pending;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sending side towards one peer: its bounded queue, its one outbound connection, and the
 * writer that drains the queue into that connection in batches (many frames, one flush). The
 * connection is opened by the first message and, after a failure, reopened with exponential
 * backoff for as long as the peer is known. Messages waiting when a connection attempt fails or a
 * connection is lost are dropped and the peer reported unreachable: they are stale by the time a
 * later connection could carry them, and Raft resends what matters.
 *
 * <p>Threads: {@link #send} and {@link #shutdown} from any thread; everything else runs on the
 * peer's own event loop, fixed for its lifetime (every connection to the peer is registered on it),
 * so the connection state needs no lock.
 */
final class OutboundPeer {
    private static final Logger LOG = LoggerFactory.getLogger(OutboundPeer.class);
    /** Frames written before a flush and a turn for the loop's other work. */
    private static final int MAX_BATCH = 256;
    /** Outbound bytes not yet taken by the socket above which the writer waits. */
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(256 * 1024, 1024 * 1024);

    private final long peerId;
    private final InetSocketAddress address;
    private final EventLoop loop;
    private final TransportContext ctx;
    private final PeerQueue queue;
    private final Backoff backoff;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    /** Set by the first drop of a run of drops for a full queue (reported once), cleared by a success. */
    private final AtomicBoolean dropping = new AtomicBoolean();
    private volatile boolean closed;

    private Channel channel;
    private MessageWriter writer;
    private ScheduledFuture<?> retry;
    private ScheduledFuture<?> backoffReset;
    private boolean attempted;
    private boolean failureLogged;

    OutboundPeer(long peerId, InetSocketAddress address, EventLoop loop, TransportContext ctx, Random random) {
        this.peerId = peerId;
        this.address = address;
        this.loop = loop;
        this.ctx = ctx;
        TransportConfig c = ctx.config();
        this.queue = new PeerQueue(c.maxQueuedMessages(), c.maxQueuedBytes());
        this.backoff = new Backoff(c.reconnectBackoffMin(), c.reconnectBackoffMax(), random);
    }

    InetSocketAddress address() {
        return address;
    }

    PeerQueue queue() {
        return queue;
    }

    /** Queues {@code m} or drops it; never blocks. */
    void send(Message m) {
        Optional<Pending> p = MessageWriter.prepare(m, peerId, ctx.config());
        if (p.isEmpty()) {
            dropped(m);
            ctx.unreachable(peerId);
        } else if (closed || !queue.offer(p.get())) {
            dropped(m);
            if (!closed && dropping.compareAndSet(false, true)) {
                LOG.debug("raft transport {}: queue for peer {} is full; dropping", ctx.nodeId(), peerId);
                ctx.unreachable(peerId);
            }
        } else {
            if (dropping.get()) {
                dropping.set(false);
            }
            wakeup();
        }
    }

    /** Closes the connection, cancels reconnection and drops what waits; no report of unreachability. */
    void shutdown() {
        closed = true;
        try {
            loop.execute(this::closeNow);
        } catch (RejectedExecutionException e) {
            dropQueued();
        }
    }

    private void wakeup() {
        if (wakeupPending.compareAndSet(false, true)) {
            try {
                loop.execute(this::onWakeup);
            } catch (RejectedExecutionException e) {
                wakeupPending.set(false);
                dropQueued();
            }
        }
    }

    private void onWakeup() {
        wakeupPending.set(false);
        if (closed) {
            dropQueued();
        } else if (writer != null) {
            drain();
        } else if (channel == null && retry == null) {
            connect();
        }
    }

    /** Writes a batch from the queue and flushes it; continues later while more waits and the socket keeps up. */
    void drain() {
        if (writer == null) {
            return;
        }
        Channel ch = channel;
        int n = 0;
        while (n < MAX_BATCH && ch.isWritable()) {
            Pending p = queue.poll();
            if (p == null) {
                break;
            }
            writer.write(p);
            n++;
        }
        if (n > 0) {
            ch.flush();
        }
        if (n == MAX_BATCH && ch.isWritable() && !queue.isEmpty()) {
            wakeup();
        }
    }

    private void connect() {
        if (attempted) {
            ctx.counters().reconnects.incrementAndGet();
        }
        attempted = true;
        Bootstrap b = new Bootstrap().group(loop).channel(NioSocketChannel.class)
            .option(ChannelOption.ALLOCATOR, ctx.alloc())
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) ctx.config().connectTimeout().toMillis())
            .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
            .handler(new OutboundHandler(this));
        ChannelFuture f = b.connect(address);
        channel = f.channel();
        f.addListener((ChannelFutureListener) this::onConnectDone);
    }

    private void onConnectDone(ChannelFuture f) {
        Channel ch = f.channel();
        if (ch != channel) {
            ch.close();
            return;
        }
        if (closed) {
            channel = null;
            ch.close();
            return;
        }
        if (!f.isSuccess() || !ch.isActive()) {
            channel = null;
            onFailure("cannot connect to", f.cause());
            return;
        }
        ctx.counters().connects.incrementAndGet();
        LOG.info("raft transport {}: connected to peer {} at {}", ctx.nodeId(), peerId, address);
        failureLogged = false;
        backoffReset = loop.schedule(backoff::reset, ctx.config().reconnectBackoffMax().toMillis(),
            TimeUnit.MILLISECONDS);
        writer = new MessageWriter(ch, peerId, ctx);
        writer.hello();
        ch.flush();
        drain();
    }

    /** The connection {@code ch} closed (called by its handler). */
    void onInactive(Channel ch) {
        if (ch != channel) {
            return;
        }
        channel = null;
        writer = null;
        if (backoffReset != null) {
            backoffReset.cancel(false);
            backoffReset = null;
        }
        if (!closed) {
            onFailure("lost the connection to", null);
        }
    }

    private void onFailure(String what, Throwable cause) {
        int dropped = dropQueued();
        ctx.unreachable(peerId);
        String why = cause == null ? "" : ": " + cause.getMessage();
        if (failureLogged) {
            LOG.debug("raft transport {}: {} peer {} at {}{} ({} messages dropped)", ctx.nodeId(), what, peerId,
                address, why, dropped);
        } else {
            LOG.info("raft transport {}: {} peer {} at {}{} ({} messages dropped); retrying with backoff",
                ctx.nodeId(), what, peerId, address, why, dropped);
            failureLogged = true;
        }
        try {
            retry = loop.schedule(this::retryNow, backoff.nextDelayMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            LOG.debug("raft transport {}: no reconnection to peer {}: shutting down", ctx.nodeId(), peerId);
        }
    }

    private void retryNow() {
        retry = null;
        if (!closed && channel == null) {
            connect();
        }
    }

    private void closeNow() {
        if (retry != null) {
            retry.cancel(false);
            retry = null;
        }
        if (channel != null) {
            channel.close();
            channel = null;
            writer = null;
        }
        int dropped = dropQueued();
        LOG.debug("raft transport {}: stopped sending to peer {} ({} messages dropped)", ctx.nodeId(), peerId, dropped);
    }

    private int dropQueued() {
        int n = 0;
        for (Pending p : queue.clear()) {
            dropped(p.message());
            n++;
        }
        return n;
    }

    private void dropped(Message m) {
        ctx.counters().messagesDropped.incrementAndGet();
        if (m.type() == MessageType.SNAP) {
            ctx.snapshotStatus(peerId, false);
        }
    }
}
