package io.concordkv.raft.transport;

import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.transport.PeerQueue.Pending;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelPromise;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes frames to one outbound connection, without flushing (the peer's drain flushes once per
 * batch): the handshake, whole messages, and snapshots in chunks. A chunk's image bytes are a
 * wrapper around the caller's array, never a copy. Reports a {@code SNAP} message's outcome when
 * its last byte has been written or its write failed.
 *
 * <p>Threads: the connection's event loop only.
 */
final class MessageWriter {
    private static final Logger LOG = LoggerFactory.getLogger(MessageWriter.class);
    private static final byte[] NO_IMAGE = new byte[0];

    private final Channel channel;
    private final long peerId;
    private final TransportContext ctx;
    private long nextStreamId = 1;

    MessageWriter(Channel channel, long peerId, TransportContext ctx) {
        this.channel = channel;
        this.peerId = peerId;
        this.ctx = ctx;
    }

    /**
     * Sizes {@code m} for the queue, or explains (in the log) why no frame can carry it: empty when
     * the message or its snapshot image is over the configured limits.
     */
    static Optional<Pending> prepare(Message m, long peerId, TransportConfig config) {
        byte[] image = Objects.requireNonNull(m.snapshot(), "message snapshot (use Snapshot.EMPTY)").data();
        boolean chunked = m.type() == MessageType.SNAP && image.length > config.snapshotChunkBytes();
        if (chunked && image.length > config.maxSnapshotBytes()) {
            LOG.warn("raft transport: dropped a snapshot of {} bytes for peer {}: over the limit of {}",
                image.length, peerId, config.maxSnapshotBytes());
            return Optional.empty();
        }
        int size = MessageCodec.encodedSize(chunked ? header(m) : m);
        int overhead = chunked ? Frames.SNAP_BEGIN_OVERHEAD : Frames.MESSAGE_OVERHEAD;
        if ((long) size + overhead > config.maxFrameBytes()) {
            LOG.warn("raft transport: dropped {} for peer {}: {} bytes encoded, over the frame limit of {}",
                m, peerId, size, config.maxFrameBytes());
            return Optional.empty();
        }
        return Optional.of(new Pending(m, size, chunked));
    }

    void hello() {
        ByteBuf b = Frames.hello(ctx.alloc(), ctx.clusterId(), ctx.nodeId(), peerId);
        ctx.counters().bytesSent.addAndGet(b.readableBytes());
        channel.write(b, channel.voidPromise());
    }

    void write(Pending p) {
        if (p.chunked()) {
            writeChunked(p);
        } else {
            Message m = p.message();
            ByteBuf frame = Frames.message(ctx.alloc(), m, p.size());
            ctx.counters().bytesSent.addAndGet(frame.readableBytes());
            if (m.type() == MessageType.SNAP) {
                reportWhenWritten(channel.write(frame));
            } else {
                channel.write(frame, channel.voidPromise());
            }
        }
        ctx.counters().messagesSent.incrementAndGet();
    }

    /** A snapshot-begin frame, then the image in chunks, each a head buffer and a slice of the image. */
    private void writeChunked(Pending p) {
        Message m = p.message();
        byte[] image = m.snapshot().data();
        long stream = nextStreamId++;
        ByteBuf begin = Frames.snapshotBegin(ctx.alloc(), stream, image.length, header(m), p.size());
        long bytes = begin.readableBytes();
        channel.write(begin, channel.voidPromise());
        int chunkBytes = ctx.config().snapshotChunkBytes();
        int seq = 0;
        ChannelFuture last = null;
        for (int off = 0; off < image.length; off += chunkBytes) {
            int n = Math.min(chunkBytes, image.length - off);
            channel.write(Frames.chunkHead(ctx.alloc(), stream, seq++, n), channel.voidPromise());
            boolean isLast = off + n == image.length;
            ChannelPromise promise = isLast ? channel.newPromise() : channel.voidPromise();
            last = channel.write(Unpooled.wrappedBuffer(image, off, n), promise);
            bytes += TransportConfig.CHUNK_OVERHEAD + n;
        }
        ctx.counters().bytesSent.addAndGet(bytes);
        LOG.debug("raft transport {}: writing snapshot at {} to peer {}: {} bytes in {} chunks",
            ctx.nodeId(), m.snapshot().meta().index(), peerId, image.length, seq);
        reportWhenWritten(last);
    }

    private void reportWhenWritten(ChannelFuture written) {
        written.addListener(f -> {
            if (f.isSuccess()) {
                ctx.counters().snapshotsSent.incrementAndGet();
            } else {
                LOG.info("raft transport {}: snapshot to peer {} failed: {}", ctx.nodeId(), peerId, f.cause().toString());
            }
            ctx.snapshotStatus(peerId, f.isSuccess());
        });
    }

    /** {@code m} without its snapshot image: what a snapshot-begin frame carries. */
    private static Message header(Message m) {
        return m.withSnapshot(new Snapshot(m.snapshot().meta(), NO_IMAGE));
    }
}
