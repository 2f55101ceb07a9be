package io.concordkv.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.concordkv.server.service.StandaloneKvService;
import io.concordkv.server.service.TxnSessions;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A store, a standalone service and a REST server over it on an OS-chosen port, plus a small
 * HTTP client for the tests. Watch heartbeats every 50 ms so that gone clients are noticed fast.
 */
final class RestFixture implements AutoCloseable {
    static final int MAX_REQUEST_BYTES = 64 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    final MvccStore store;
    final StandaloneKvService service;
    final TxnSessions sessions;
    final RestServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    RestFixture(Path dir) {
        store = MvccStore.open(dir, MvccOptions.defaults(StoreOptions.defaults("rbtree").withFsync(FsyncPolicy.NEVER)));
        service = new StandaloneKvService(store, new StandaloneKvService.Identity(0xabcL, 0x123L, "node-1"),
            Clock.systemUTC(), 16, Duration.ofMillis(100));
        sessions = new TxnSessions(service, Clock.systemUTC(), Duration.ofMillis(50));
        server = RestServer.start(service, sessions, new InetSocketAddress("127.0.0.1", 0), MAX_REQUEST_BYTES,
            io.concordkv.server.service.TxnChecks.DEFAULT_MAX_OPS, Duration.ofMillis(50), java.util.Optional.empty());
    }

    URI uri(String pathAndQuery) {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    /** A response with its body parsed as JSON. */
    record Answer(int status, JsonNode body) {
        String errorCode() {
            return body.path("error").path("code").asText();
        }
    }

    Answer send(String method, String pathAndQuery, HttpRequest.BodyPublisher body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery)).timeout(Duration.ofSeconds(10))
            .method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), JSON.readTree(r.body().isEmpty() ? "{}" : r.body()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    Answer get(String pathAndQuery) {
        return send("GET", pathAndQuery, HttpRequest.BodyPublishers.noBody(), null);
    }

    Answer delete(String pathAndQuery) {
        return send("DELETE", pathAndQuery, HttpRequest.BodyPublishers.noBody(), null);
    }

    Answer putRaw(String pathAndQuery, byte[] value) {
        return send("PUT", pathAndQuery, HttpRequest.BodyPublishers.ofByteArray(value), "application/octet-stream");
    }

    Answer putText(String pathAndQuery, String value) {
        return putRaw(pathAndQuery, value.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    Answer postJson(String pathAndQuery, String json) {
        return send("POST", pathAndQuery, HttpRequest.BodyPublishers.ofString(json), "application/json");
    }

    Answer putJson(String pathAndQuery, String json) {
        return send("PUT", pathAndQuery, HttpRequest.BodyPublishers.ofString(json), "application/json");
    }

    @Override
    public void close() {
        server.close();
        sessions.close();
        service.close();
        store.close();
    }
}
