package io.concordkv.bench.kv;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Parser;
import io.netty.buffer.ByteBuf;
import java.nio.charset.StandardCharsets;

/** What {@link GrpcH2Connection} reads out of a gRPC response: its message, its status text. Stateless. */
final class GrpcMessages {
    private GrpcMessages() {
    }

    /** The one uncompressed gRPC message in {@code response}, parsed; fails if there is none or more. */
    static Object parse(Parser<?> parser, ByteBuf response) throws InvalidProtocolBufferException {
        if (response == null || response.readableBytes() < 5) {
            throw new InvalidProtocolBufferException("the call ended without a response message");
        }
        int compressed = response.readByte();
        int length = response.readInt();
        if (compressed != 0 || length != response.readableBytes()) {
            throw new InvalidProtocolBufferException("expected one uncompressed response message of " + length
                + " bytes, got flag " + compressed + " and " + response.readableBytes() + " bytes");
        }
        return parser.parseFrom(response.nioBuffer());
    }

    /** Decodes a grpc-message value (percent-encoded UTF-8, per the gRPC HTTP/2 protocol). */
    static String percentDecode(String s) {
        if (s.indexOf('%') < 0) {
            return s;
        }
        byte[] out = new byte[s.length()];
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '%' && i + 2 < s.length()) {
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    out[n++] = (byte) (hi << 4 | lo);
                    i += 2;
                    continue;
                }
            }
            out[n++] = (byte) c;
        }
        return new String(out, 0, n, StandardCharsets.UTF_8);
    }
}
