package io.concordkv.raft.transport;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.Message;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.ByteBuffer;

/**
 * Builds and parses the frames of the peer protocol (layouts in the package documentation). A frame
 * is a 4-byte big-endian length of what follows, a kind byte and a body. Stateless.
 */
final class Frames {
    /** "CKVR": the first bytes of every handshake body. */
    static final int MAGIC = 0x434B5652;
    /** The peer protocol version, sent in the handshake. */
    static final int PROTOCOL_VERSION = 1;

    static final int HELLO = 1;
    static final int MESSAGE = 2;
    static final int SNAP_BEGIN = 3;
    static final int SNAP_CHUNK = 4;

    static final int LENGTH_BYTES = 4;
    static final int HELLO_BODY = 4 + 2 + 8 + 8 + 8;
    /** Bytes of a message frame that are not the encoded message: length and kind. */
    static final int MESSAGE_OVERHEAD = LENGTH_BYTES + 1;
    /** Bytes of a snapshot-begin frame that are not the encoded header message. */
    static final int SNAP_BEGIN_OVERHEAD = LENGTH_BYTES + 1 + 8 + 8;

    /** The handshake: who is calling whom, in which cluster, speaking which version. */
    record Hello(int magic, int version, long clusterId, long senderId, long receiverId) {
    }

    private Frames() {
    }

    /** A broken rule of the peer protocol (handshake or framing), as a {@code CORRUPTION} error. */
    static KvException protocolError(String what) {
        return new KvException(ErrorCode.CORRUPTION, "raft peer protocol error: " + what);
    }

    static ByteBuf hello(ByteBufAllocator alloc, long clusterId, long senderId, long receiverId) {
        ByteBuf b = alloc.buffer(LENGTH_BYTES + 1 + HELLO_BODY);
        b.writeInt(1 + HELLO_BODY).writeByte(HELLO).writeInt(MAGIC).writeShort(PROTOCOL_VERSION);
        return b.writeLong(clusterId).writeLong(senderId).writeLong(receiverId);
    }

    /** A message frame; {@code size} is {@link MessageCodec#encodedSize}{@code (m)}. */
    static ByteBuf message(ByteBufAllocator alloc, Message m, int size) {
        ByteBuf b = alloc.buffer(MESSAGE_OVERHEAD + size);
        b.writeInt(1 + size).writeByte(MESSAGE);
        return encodeInto(b, m, size);
    }

    /**
     * The frame that opens a chunked snapshot: stream id, image length, and the message with an empty
     * image ({@code header}, whose encoded size is {@code size}).
     */
    static ByteBuf snapshotBegin(ByteBufAllocator alloc, long streamId, long imageBytes, Message header, int size) {
        ByteBuf b = alloc.buffer(SNAP_BEGIN_OVERHEAD + size);
        b.writeInt(1 + 8 + 8 + size).writeByte(SNAP_BEGIN).writeLong(streamId).writeLong(imageBytes);
        return encodeInto(b, header, size);
    }

    /** The head of a chunk frame; the {@code chunkBytes} of image follow it in a separate buffer. */
    static ByteBuf chunkHead(ByteBufAllocator alloc, long streamId, int seq, int chunkBytes) {
        ByteBuf b = alloc.buffer(TransportConfig.CHUNK_OVERHEAD);
        return b.writeInt(1 + 8 + 4 + chunkBytes).writeByte(SNAP_CHUNK).writeLong(streamId).writeInt(seq);
    }

    /** Reads a hello body (after the kind byte). */
    static Hello readHello(ByteBuf body) {
        if (body.readableBytes() != HELLO_BODY) {
            throw protocolError("handshake of " + body.readableBytes() + " bytes, expected " + HELLO_BODY);
        }
        return new Hello(body.readInt(), body.readUnsignedShort(), body.readLong(), body.readLong(), body.readLong());
    }

    private static ByteBuf encodeInto(ByteBuf b, Message m, int size) {
        ByteBuffer view = b.nioBuffer(b.writerIndex(), size);
        MessageCodec.encode(m, view);
        return b.writerIndex(b.writerIndex() + size);
    }
}
