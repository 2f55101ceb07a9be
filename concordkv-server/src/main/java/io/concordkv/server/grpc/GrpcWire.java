package io.concordkv.server.grpc;

import io.grpc.Metadata;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.util.AsciiString;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The gRPC-over-HTTP/2 conventions the lean transport needs: header blocks encoded without the
 * HPACK dynamic table (one block's bytes serve every stream of every connection: the usual blocks
 * for a peer that shrinks its table, see {@link ResponseBlocks}), metadata to
 * and from HTTP/2 headers, {@code grpc-message} percent-encoding and {@code grpc-timeout}.
 * Stateless.
 */
final class GrpcWire {
    static final AsciiString CONTENT_TYPE = AsciiString.cached("content-type");
    static final AsciiString GRPC = AsciiString.cached("application/grpc");
    static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    static final AsciiString GRPC_TIMEOUT = AsciiString.cached("grpc-timeout");
    static final AsciiString TE = AsciiString.cached("te");

    /** HEADERS of a response: {@code :status 200} and the gRPC content type. */
    static final byte[] RESPONSE_HEADERS = encode(responseHeaders());
    /** Trailers of a call that ended OK with no trailing metadata. */
    static final byte[] OK_TRAILERS = encode(new DefaultHttp2Headers(false).add(GRPC_STATUS, "0"));

    private GrpcWire() {
    }

    static Http2Headers responseHeaders() {
        return new DefaultHttp2Headers(false).status("200").add(CONTENT_TYPE, GRPC);
    }

    /** {@code headers} as an HPACK block of never-indexed literals: valid on any connection, any number of times. */
    static byte[] encode(Http2Headers headers) {
        ByteBuf out = Unpooled.buffer();
        try {
            new DefaultHttp2HeadersEncoder((name, value) -> true).encodeHeaders(0, headers, out);
            return ByteBufUtil.getBytes(out);
        } catch (Http2Exception e) {
            throw new IllegalStateException("cannot encode headers " + headers, e);
        } finally {
            out.release();
        }
    }

    /** Adds {@code metadata} to {@code headers}: binary keys ({@code -bin}) base64-encoded without padding. */
    static Http2Headers addMetadata(Http2Headers headers, Metadata metadata) {
        for (String key : metadata.keys()) {
            if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                Iterable<byte[]> values = metadata.getAll(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER));
                if (values != null) {
                    for (byte[] v : values) {
                        headers.add(key, Base64.getEncoder().withoutPadding().encodeToString(v));
                    }
                }
            } else {
                Iterable<String> values = metadata.getAll(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
                if (values != null) {
                    for (String v : values) {
                        headers.add(key, v);
                    }
                }
            }
        }
        return headers;
    }

    /** The application metadata among a request's headers: no pseudo-headers, no transport headers. */
    static Metadata metadata(Http2Headers headers) {
        Metadata metadata = new Metadata();
        for (Map.Entry<CharSequence, CharSequence> e : headers) {
            CharSequence name = e.getKey();
            if (name.length() == 0 || name.charAt(0) == ':' || AsciiString.contentEqualsIgnoreCase(name, CONTENT_TYPE)
                || AsciiString.contentEqualsIgnoreCase(name, TE)
                || AsciiString.contentEqualsIgnoreCase(name, GRPC_TIMEOUT)) {
                continue;
            }
            String key = name.toString().toLowerCase(Locale.ROOT);
            try {
                if (key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
                    metadata.put(Metadata.Key.of(key, Metadata.BINARY_BYTE_MARSHALLER),
                        Base64.getDecoder().decode(stripPadding(e.getValue().toString())));
                } else {
                    metadata.put(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER), e.getValue().toString());
                }
            } catch (IllegalArgumentException malformed) {
                // a header gRPC would not accept as metadata (bad name or base64): left out, as grpc-java does
            }
        }
        return metadata;
    }

    private static String stripPadding(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == '=') {
            end--;
        }
        return s.substring(0, end);
    }

    /** Trailers (or a trailers-only response, with {@code withHeaders}) for {@code status}. */
    static Http2Headers trailers(Status status, Metadata trailers, boolean withHeaders) {
        Http2Headers h = withHeaders ? responseHeaders() : new DefaultHttp2Headers(false);
        h.add(GRPC_STATUS, Integer.toString(status.getCode().value()));
        if (status.getDescription() != null) {
            h.add(GRPC_MESSAGE, percentEncode(status.getDescription()));
        }
        return addMetadata(h, trailers);
    }

    /** A grpc-message value: UTF-8, with every byte outside printable ASCII and '%' written as %XX. */
    static String percentEncode(String s) {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
        StringBuilder b = new StringBuilder(bytes.length);
        for (byte x : bytes) {
            int c = x & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '%') {
                b.append((char) c);
            } else {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                    .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return b.toString();
    }

    /** A grpc-timeout value in nanoseconds ("100m", "5S"...), or -1 if malformed. */
    static long timeoutNanos(CharSequence value) {
        if (value == null || value.length() < 2 || value.length() > 9) {
            return -1;
        }
        long amount;
        try {
            amount = Long.parseLong(value.subSequence(0, value.length() - 1).toString());
        } catch (NumberFormatException e) {
            return -1;
        }
        if (amount < 0) {
            return -1;
        }
        TimeUnit unit = switch (value.charAt(value.length() - 1)) {
            case 'H' -> TimeUnit.HOURS;
            case 'M' -> TimeUnit.MINUTES;
            case 'S' -> TimeUnit.SECONDS;
            case 'm' -> TimeUnit.MILLISECONDS;
            case 'u' -> TimeUnit.MICROSECONDS;
            case 'n' -> TimeUnit.NANOSECONDS;
            default -> null;
        };
        return unit == null ? -1 : unit.toNanos(amount);
    }
}
