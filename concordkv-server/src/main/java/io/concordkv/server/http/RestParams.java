package io.concordkv.server.http;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.ScanRange;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads what a request names: keys from the path or {@code key_b64}, key ranges from query
 * parameters, numbers and flags, and the body within the size limit. Every malformed input is an
 * {@code INVALID_ARGUMENT}. Stateless.
 */
final class RestParams {
    private RestParams() {
    }

    /** The key of a {@code /.../kv/<key>} path: {@code ?key_b64=} when given, else the decoded path. */
    static Bytes pathKey(Context ctx) {
        String b64 = ctx.queryParam("key_b64");
        if (b64 != null) {
            return nonEmpty(RestJson.base64("key_b64", b64));
        }
        return nonEmpty(Bytes.utf8(ctx.pathParam("key")));
    }

    private static Bytes nonEmpty(Bytes key) {
        if (key.isEmpty()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "key must not be empty");
        }
        return key;
    }

    /** The one key {@code key} as a range. */
    static ScanRange single(Bytes key) {
        return ScanRange.between(key, Bytes.wrap(Arrays.copyOf(key.unsafeArray(), key.length() + 1)));
    }

    /** {@code key} alone, or every key starting with it when {@code ?prefix=true}. */
    static ScanRange keyOrPrefix(Context ctx, Bytes key) {
        return flag(ctx, "prefix") ? ScanRange.prefix(key) : single(key);
    }

    /**
     * The range of a listing: {@code prefix} (or {@code prefix_b64}), or {@code start} and optional
     * {@code end} (or their {@code _b64} forms; no end: every key from start on), or {@code key}.
     */
    static ScanRange range(Context ctx) {
        Optional<Bytes> prefix = binaryParam(ctx, "prefix");
        Optional<Bytes> start = binaryParam(ctx, "start");
        Optional<Bytes> key = binaryParam(ctx, "key");
        int given = (prefix.isPresent() ? 1 : 0) + (start.isPresent() ? 1 : 0) + (key.isPresent() ? 1 : 0);
        if (given != 1) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "give exactly one of prefix, start (with optional end) or key");
        }
        Optional<Bytes> end = binaryParam(ctx, "end");
        if (end.isPresent() && start.isEmpty()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "end needs start");
        }
        if (prefix.isPresent()) {
            return ScanRange.prefix(prefix.get());
        }
        if (key.isPresent()) {
            return single(nonEmpty(key.get()));
        }
        if (end.isEmpty()) {
            return ScanRange.from(start.get());
        }
        if (end.get().compareTo(start.get()) < 0) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "end must not be before start");
        }
        return ScanRange.between(start.get(), end.get());
    }

    private static Optional<Bytes> binaryParam(Context ctx, String name) {
        String text = ctx.queryParam(name);
        String b64 = ctx.queryParam(name + "_b64");
        if (text != null && b64 != null) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "give " + name + " or " + name + "_b64, not both");
        }
        if (b64 != null) {
            return Optional.of(RestJson.base64(name + "_b64", b64));
        }
        return Optional.ofNullable(text).map(Bytes::utf8);
    }

    /** A non-negative number parameter, {@code dflt} when absent. */
    static long number(Context ctx, String name, long dflt) {
        String text = ctx.queryParam(name);
        if (text == null || text.isEmpty()) {
            return dflt;
        }
        try {
            long n = Long.parseLong(text);
            if (n < 0) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, name + " must not be negative, got " + n);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, name + " is not a number: " + text);
        }
    }

    /** A flag: absent or {@code false} is false, empty or {@code true} is true. */
    static boolean flag(Context ctx, String name) {
        String text = ctx.queryParam(name);
        if (text == null) {
            return false;
        }
        return switch (text.toLowerCase(Locale.ROOT)) {
            case "", "true", "1" -> true;
            case "false", "0" -> false;
            default -> throw new KvException(ErrorCode.INVALID_ARGUMENT, name + " must be true or false, got " + text);
        };
    }

    /** The request body, at most {@code max} bytes ({@code REQUEST_TOO_LARGE} past it). */
    static byte[] body(Context ctx, int max) {
        long declared = ctx.contentLength();
        try (InputStream in = ctx.bodyInputStream()) {
            if (declared > max) {
                drain(in, max);
                throw tooLarge(declared, max);
            }
            byte[] data = in.readNBytes(max + 1);
            if (data.length > max) {
                drain(in, max);
                throw tooLarge(data.length, max);
            }
            return data;
        } catch (IOException e) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "cannot read the request body: " + e.getMessage());
        }
    }

    /**
     * Reads and drops the rest of an oversized body, up to 4 times the limit, so the client, still
     * sending, receives the 413 answer instead of a reset connection; a larger body is cut off.
     */
    private static void drain(InputStream in, int max) throws IOException {
        long left = 4L * max;
        byte[] sink = new byte[64 * 1024];
        int n;
        while (left > 0 && (n = in.read(sink, 0, (int) Math.min(sink.length, left))) > 0) {
            left -= n;
        }
    }

    private static KvException tooLarge(long size, int max) {
        return new KvException(ErrorCode.REQUEST_TOO_LARGE,
            "request body of " + (size > max ? "more than " + max : size) + " bytes is over the limit of " + max);
    }

    static boolean isJson(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("application/json");
    }
}
