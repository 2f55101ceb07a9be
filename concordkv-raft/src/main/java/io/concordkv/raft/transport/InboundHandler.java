package io.concordkv.raft.transport;

import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.concordkv.raft.transport.Frames.Hello;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Receives the frames of one inbound connection (after the length-prefix decoder): first the
 * handshake, then messages and chunked snapshots, which it hands to the inbound handler in order.
 * A protocol error (bad handshake, no handshake in time, malformed frame or message, a message not
 * from the handshake's sender or not to this node, a broken snapshot sequence, an oversize frame)
 * is logged and closes this connection only; the sender reconnects.
 *
 * <p>Threads: the connection's event loop. An exception from the inbound handler is logged and the
 * connection carries on.
 */
final class InboundHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(InboundHandler.class);

    private final TransportContext ctx;
    private final Consumer<Message> inbound;
    private final SnapshotAssembler assembler;
    /** The sender named by the handshake; 0 until then. */
    private long peerId;
    private boolean rejected;
    private ScheduledFuture<?> handshakeDeadline;

    InboundHandler(TransportContext ctx, Consumer<Message> inbound) {
        this.ctx = ctx;
        this.inbound = inbound;
        this.assembler = new SnapshotAssembler(ctx.config().maxSnapshotBytes());
    }

    @Override
    public void channelActive(ChannelHandlerContext c) {
        long timeout = ctx.config().connectTimeout().toMillis();
        handshakeDeadline = c.executor().schedule(() -> reject(c, "no handshake within " + timeout + " ms"),
            timeout, TimeUnit.MILLISECONDS);
        c.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext c, Object msg) {
        ByteBuf frame = (ByteBuf) msg;
        try {
            if (!rejected) {
                ctx.counters().bytesReceived.addAndGet(Frames.LENGTH_BYTES + frame.readableBytes());
                onFrame(frame);
            }
        } catch (RuntimeException e) {
            reject(c, e.getMessage());
        } finally {
            frame.release();
        }
    }

    private void onFrame(ByteBuf frame) {
        if (!frame.isReadable()) {
            throw Frames.protocolError("empty frame");
        }
        int kind = frame.readUnsignedByte();
        if (peerId == 0) {
            if (kind != Frames.HELLO) {
                throw Frames.protocolError("first frame is of kind " + kind + ", not a handshake");
            }
            accept(Frames.readHello(frame));
            return;
        }
        switch (kind) {
            case Frames.MESSAGE -> deliver(checked(MessageCodec.decode(frame.nioBuffer())));
            case Frames.SNAP_BEGIN -> {
                need(frame, 16, "snapshot begin");
                long stream = frame.readLong();
                long imageBytes = frame.readLong();
                assembler.begin(stream, imageBytes, checked(MessageCodec.decode(frame.nioBuffer())));
            }
            case Frames.SNAP_CHUNK -> {
                need(frame, 12, "snapshot chunk");
                long stream = frame.readLong();
                int seq = frame.readInt();
                assembler.chunk(stream, seq, frame).ifPresent(this::deliver);
            }
            case Frames.HELLO -> throw Frames.protocolError("a second handshake");
            default -> throw Frames.protocolError("unknown frame kind " + kind);
        }
    }

    private void accept(Hello h) {
        if (h.magic() != Frames.MAGIC) {
            throw Frames.protocolError("not a ConcordKV raft peer (magic " + Integer.toHexString(h.magic()) + ")");
        }
        if (h.version() != Frames.PROTOCOL_VERSION) {
            throw Frames.protocolError("protocol version " + h.version() + ", this node speaks " + Frames.PROTOCOL_VERSION);
        }
        if (h.clusterId() != ctx.clusterId()) {
            throw Frames.protocolError("cluster id " + h.clusterId() + ", this node's is " + ctx.clusterId());
        }
        if (h.receiverId() != ctx.nodeId()) {
            throw Frames.protocolError("meant for node " + h.receiverId() + ", this is node " + ctx.nodeId());
        }
        if (h.senderId() <= 0 || h.senderId() == ctx.nodeId()) {
            throw Frames.protocolError("bad sender id " + h.senderId());
        }
        peerId = h.senderId();
        handshakeDeadline.cancel(false);
        LOG.debug("raft transport {}: accepted a connection from peer {}", ctx.nodeId(), peerId);
    }

    private Message checked(Message m) {
        if (m.from() != peerId || m.to() != ctx.nodeId() || m.type().isLocal()) {
            throw Frames.protocolError(m + " on the connection from peer " + peerId + " to node " + ctx.nodeId());
        }
        return m;
    }

    private void deliver(Message m) {
        ctx.counters().messagesReceived.incrementAndGet();
        if (m.type() == MessageType.SNAP) {
            ctx.counters().snapshotsReceived.incrementAndGet();
        }
        try {
            inbound.accept(m);
        } catch (RuntimeException e) {
            LOG.error("raft transport {}: the inbound handler failed on {}", ctx.nodeId(), m, e);
        }
    }

    private static void need(ByteBuf frame, int bytes, String what) {
        if (frame.readableBytes() < bytes) {
            throw Frames.protocolError(what + " frame of " + frame.readableBytes() + " bytes after its kind");
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext c, Throwable cause) {
        if (cause instanceof DecoderException) {
            reject(c, cause.getMessage());
        } else {
            LOG.debug("raft transport {}: inbound connection from {} failed", ctx.nodeId(), c.channel().remoteAddress(),
                cause);
            c.close();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext c) {
        if (handshakeDeadline != null) {
            handshakeDeadline.cancel(false);
        }
        if (assembler.inProgress()) {
            LOG.debug("raft transport {}: discarded a partial snapshot from peer {}", ctx.nodeId(), peerId);
            assembler.discard();
        }
        c.fireChannelInactive();
    }

    private void reject(ChannelHandlerContext c, String reason) {
        if (rejected) {
            return;
        }
        rejected = true;
        assembler.discard();
        ctx.counters().connectionsRejected.incrementAndGet();
        LOG.warn("raft transport {}: closing the connection from {} (peer {}): {}", ctx.nodeId(),
            c.channel().remoteAddress(), peerId == 0 ? "unknown" : peerId, reason);
        c.close();
    }
}
