package io.concordkv.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.http.RestFixture.Answer;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestServerTest {
    @TempDir
    Path dir;
    RestFixture rest;

    @BeforeEach
    void start() {
        rest = new RestFixture(dir);
    }

    @AfterEach
    void stop() {
        rest.close();
    }

    @Test
    void statusDescribesTheNode() {
        rest.putText("/v1/kv/a", "1");
        Answer a = rest.get("/v1/status");
        assertThat(a.status()).isEqualTo(200);
        JsonNode s = a.body();
        assertThat(s.get("member_id").asText()).isEqualTo("abc");
        assertThat(s.get("cluster_id").asText()).isEqualTo("123");
        assertThat(s.get("name").asText()).isEqualTo("node-1");
        assertThat(s.get("revision").asLong()).isEqualTo(rest.store.currentRevision());
        assertThat(s.get("compacted_revision").asLong()).isZero();
        assertThat(s.get("applied_index").asLong()).isPositive();
        assertThat(s.has("db_size_bytes")).isTrue();
        assertThat(s.get("keys").asLong()).isPositive();
    }

    @Test
    void healthAndReadiness() {
        Answer health = rest.get("/health");
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().get("health").asText()).isEqualTo("true");
        assertThat(rest.get("/ready").status()).isEqualTo(200);
    }

    @Test
    void unknownPathsAndMethodsGetJsonErrors() {
        Answer unknown = rest.get("/v2/nothing");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("NOT_FOUND");
        Answer wrongMethod = rest.send("PATCH", "/v1/kv/a", HttpRequest.BodyPublishers.noBody(), null);
        assertThat(wrongMethod.status()).isEqualTo(404);
        assertThat(wrongMethod.errorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void aBusyPortFailsFastWithUnavailable() {
        InetSocketAddress taken = new InetSocketAddress("127.0.0.1", rest.server.port());
        assertThatThrownBy(() -> RestServer.start(rest.service, rest.sessions, taken, 1024))
            .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE))
            .hasMessage("cannot listen for HTTP on 127.0.0.1:" + rest.server.port() + ": address in use");
        assertThat(rest.get("/health").status()).isEqualTo(200);
    }
}
