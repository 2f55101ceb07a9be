package io.concordkv.client;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.net.URI;
import java.util.Objects;

/**
 * One server address the client can send requests to.
 *
 * @param host host name or IP literal
 * @param port TCP port of the server's etcd v3 gRPC API
 */
public record Endpoint(String host, int port) {
    public Endpoint {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "endpoint host is blank");
        }
        if (port < 1 || port > 65_535) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "endpoint port out of range: " + port);
        }
    }

    /**
     * Parses {@code host:port}, {@code http://host:port} or {@code https://host:port} (the form of
     * etcd's client URLs). A path, if any, is ignored.
     */
    public static Endpoint parse(String text) {
        Objects.requireNonNull(text, "text");
        String s = text.trim();
        if (!s.contains("://")) {
            s = "http://" + s;
        }
        URI uri;
        try {
            uri = URI.create(s);
        } catch (IllegalArgumentException e) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "not an endpoint: " + text, e);
        }
        if (uri.getHost() == null || uri.getPort() < 0) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "endpoint needs host and port: " + text);
        }
        return new Endpoint(uri.getHost(), uri.getPort());
    }

    /** {@code host:port}. */
    @Override
    public String toString() {
        return host + ":" + port;
    }
}
