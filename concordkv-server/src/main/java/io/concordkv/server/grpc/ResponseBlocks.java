package io.concordkv.server.grpc;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http2.Http2CodecUtil;
import java.nio.charset.StandardCharsets;

/**
 * The two header blocks almost every gRPC response carries, response headers ({@code :status 200},
 * {@code content-type: application/grpc}) and OK trailers ({@code grpc-status: 0}), HPACK-encoded
 * for one connection as gRPC's own servers send them: the first block of each kind adds its field
 * to the peer's dynamic table, and every later one names it by index, in one byte. A client
 * decodes an indexed field with a table look-up; a literal costs it a string read and validation
 * on every response.
 *
 * <p>Only these two fields are ever added (104 bytes of the table), and every other block the
 * connection sends is made of never-indexed literals, which leave the table alone: nothing is
 * evicted, so the indexes stay valid for the connection's life. A peer that limits its table below
 * the default 4,096 bytes ({@code SETTINGS_HEADER_TABLE_SIZE}) turns indexing off: the next block
 * starts with a table size update to 0 (which HPACK requires after the limit drops) and later ones
 * are the stateless literals of {@link GrpcWire}.
 *
 * <p>Event loop only, like the connection.
 */
final class ResponseBlocks {
    /** Static table entry 8, {@code :status 200}, as an indexed field. */
    private static final int STATUS_200 = 0x80 | 8;
    /** {@code content-type: application/grpc}, a literal with incremental indexing whose name is static entry 31. */
    private static final byte[] CONTENT_TYPE_INDEXING = literalWithIndexing(31, null, GrpcWire.GRPC.toString());
    /** {@code grpc-status: 0}, a literal with incremental indexing and a new name. */
    private static final byte[] OK_STATUS_INDEXING = literalWithIndexing(0, GrpcWire.GRPC_STATUS.toString(), "0");
    private static final int FIRST_DYNAMIC_INDEX = 62;
    /** A dynamic table size update to 0. */
    private static final int SIZE_UPDATE_TO_0 = 0x20;
    /** The longest trailers block {@link #writeTrailers} writes. */
    static final int MAX_TRAILERS_LENGTH = 1 + Math.max(OK_STATUS_INDEXING.length, GrpcWire.OK_TRAILERS.length);

    private boolean indexing = true;
    private boolean sizeUpdateOwed;
    /** Fields this connection added to the peer's table; the newest has the lowest dynamic index. */
    private int added;
    private int contentTypeAt = -1;
    private int okStatusAt = -1;

    /** Bytes of the next response headers block. */
    int headersLength() {
        int update = sizeUpdateOwed ? 1 : 0;
        if (!indexing) {
            return update + GrpcWire.RESPONSE_HEADERS.length;
        }
        return update + 1 + (contentTypeAt < 0 ? CONTENT_TYPE_INDEXING.length : 1);
    }

    /** Writes the next response headers block ({@link #headersLength} bytes). */
    void writeHeaders(ByteBuf out) {
        writeOwedUpdate(out);
        if (!indexing) {
            out.writeBytes(GrpcWire.RESPONSE_HEADERS);
            return;
        }
        out.writeByte(STATUS_200);
        if (contentTypeAt < 0) {
            out.writeBytes(CONTENT_TYPE_INDEXING);
            contentTypeAt = added++;
        } else {
            out.writeByte(0x80 | indexOf(contentTypeAt));
        }
    }

    /** Bytes of the next OK trailers block. */
    int trailersLength() {
        int update = sizeUpdateOwed ? 1 : 0;
        if (!indexing) {
            return update + GrpcWire.OK_TRAILERS.length;
        }
        return update + (okStatusAt < 0 ? OK_STATUS_INDEXING.length : 1);
    }

    /** Writes the next OK trailers block ({@link #trailersLength} bytes). */
    void writeTrailers(ByteBuf out) {
        writeOwedUpdate(out);
        if (!indexing) {
            out.writeBytes(GrpcWire.OK_TRAILERS);
            return;
        }
        if (okStatusAt < 0) {
            out.writeBytes(OK_STATUS_INDEXING);
            okStatusAt = added++;
        } else {
            out.writeByte(0x80 | indexOf(okStatusAt));
        }
    }

    /**
     * The peer announced its table size ({@code SETTINGS_HEADER_TABLE_SIZE}).
     *
     * @return whether indexing stopped now (the connection's other encoder must shrink its table too)
     */
    boolean peerTableSize(long bytes) {
        if (!indexing || bytes >= Http2CodecUtil.DEFAULT_HEADER_TABLE_SIZE) {
            return false;
        }
        indexing = false;
        sizeUpdateOwed = true;
        return true;
    }

    private void writeOwedUpdate(ByteBuf out) {
        if (sizeUpdateOwed) {
            out.writeByte(SIZE_UPDATE_TO_0);
            sizeUpdateOwed = false;
        }
    }

    /** The dynamic index of the field added {@code ordinal}-th (at most 63: one byte, as only two are ever added). */
    private int indexOf(int ordinal) {
        return FIRST_DYNAMIC_INDEX + added - 1 - ordinal;
    }

    /** A literal field with incremental indexing; name by static index, or a new name when {@code nameIndex} is 0. */
    private static byte[] literalWithIndexing(int nameIndex, String name, String value) {
        byte[] v = value.getBytes(StandardCharsets.US_ASCII);
        byte[] n = name == null ? new byte[0] : name.getBytes(StandardCharsets.US_ASCII);
        // every length here is under 63 and 127: one-byte prefixed integers, no Huffman coding
        byte[] out = new byte[1 + (name == null ? 0 : 1 + n.length) + 1 + v.length];
        int at = 0;
        out[at++] = (byte) (0x40 | nameIndex);
        if (name != null) {
            out[at++] = (byte) n.length;
            System.arraycopy(n, 0, out, at, n.length);
            at += n.length;
        }
        out[at++] = (byte) v.length;
        System.arraycopy(v, 0, out, at, v.length);
        return out;
    }
}
