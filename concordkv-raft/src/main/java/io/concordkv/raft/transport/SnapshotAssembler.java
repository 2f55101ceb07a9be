package io.concordkv.raft.transport;

import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.concordkv.raft.core.Snapshot;
import io.netty.buffer.ByteBuf;
import java.util.Arrays;
import java.util.Optional;

/**
 * Puts a chunked snapshot back together on the receiving side of one connection: a begin frame
 * (stream id, image length, the {@code SNAP} message without its image), then chunks numbered from
 * 0 whose bytes add up to exactly the image length. Anything else (a chunk of another stream, a
 * gap, too many bytes, a second begin inside a stream, an image over the limit) is a broken
 * sequence: it throws, the partial image is discarded and the caller closes the connection.
 *
 * <p>The image array grows as chunks arrive (doubling, capped at the announced length), so a forged
 * length costs nothing until the bytes really come. Not thread-safe: one connection's event loop.
 */
final class SnapshotAssembler {
    private static final int INITIAL_BYTES = 1 << 20;

    private final long maxImageBytes;
    private Message header;
    private long streamId;
    private int length;
    private int filled;
    private int nextSeq;
    private byte[] image;

    SnapshotAssembler(long maxImageBytes) {
        this.maxImageBytes = maxImageBytes;
    }

    boolean inProgress() {
        return header != null;
    }

    void begin(long stream, long imageBytes, Message snap) {
        if (header != null) {
            throw Frames.protocolError("snapshot stream " + stream + " began inside stream " + streamId);
        }
        if (snap.type() != MessageType.SNAP || snap.snapshot().data().length != 0) {
            throw Frames.protocolError("a snapshot stream must begin with a SNAP message without image, not " + snap);
        }
        if (imageBytes < 1 || imageBytes > maxImageBytes) {
            throw Frames.protocolError("snapshot image of " + imageBytes + " bytes (limit " + maxImageBytes + ")");
        }
        header = snap;
        streamId = stream;
        length = (int) imageBytes;
        filled = 0;
        nextSeq = 0;
        image = new byte[Math.min(length, INITIAL_BYTES)];
    }

    /**
     * Adds the readable bytes of {@code data} as chunk {@code seq} of {@code stream}.
     *
     * @return the whole {@code SNAP} message once its last chunk has arrived
     */
    Optional<Message> chunk(long stream, int seq, ByteBuf data) {
        if (header == null) {
            throw Frames.protocolError("snapshot chunk " + seq + " of stream " + stream + " outside a stream");
        }
        if (stream != streamId || seq != nextSeq) {
            throw Frames.protocolError("snapshot chunk " + seq + " of stream " + stream + " where chunk " + nextSeq
                + " of stream " + streamId + " was due");
        }
        int n = data.readableBytes();
        if (n == 0 || n > length - filled) {
            throw Frames.protocolError("snapshot chunk of " + n + " bytes where " + (length - filled) + " remain");
        }
        if (filled + n > image.length) {
            image = Arrays.copyOf(image, (int) Math.min(length, Math.max(2L * image.length, filled + n)));
        }
        data.readBytes(image, filled, n);
        filled += n;
        nextSeq++;
        if (filled < length) {
            return Optional.empty();
        }
        Message whole = header.withSnapshot(new Snapshot(header.snapshot().meta(), image));
        discard();
        return Optional.of(whole);
    }

    /** Forgets a stream in progress (the connection closed or broke the sequence). */
    void discard() {
        header = null;
        image = null;
    }
}
