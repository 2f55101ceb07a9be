package io.concordkv.server.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestWatchTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String END = "<end of stream>";

    @TempDir
    Path dir;
    RestFixture rest;
    final List<Stream<String>> streams = new ArrayList<>();

    @BeforeEach
    void start() {
        rest = new RestFixture(dir);
    }

    @AfterEach
    void stop() {
        streams.forEach(Stream::close);
        rest.close();
    }

    /** Opens a watch stream; its non-empty, non-comment lines arrive in the returned queue. */
    private BlockingQueue<String> watch(String query) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(rest.uri("/v1/watch?" + query)).GET().build();
        HttpResponse<Stream<String>> r = rest.http.sendAsync(req, HttpResponse.BodyHandlers.ofLines())
            .get(10, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/event-stream"));
        streams.add(r.body());
        BlockingQueue<String> lines = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try {
                r.body().filter(l -> !l.isEmpty() && !l.startsWith(":")).forEach(lines::add);
            } catch (RuntimeException e) {
                // closed by the test
            }
            lines.add(END);
        }, "sse-reader");
        reader.setDaemon(true);
        reader.start();
        return lines;
    }

    private static String next(BlockingQueue<String> lines) throws InterruptedException {
        String line = lines.poll(10, TimeUnit.SECONDS);
        assertThat(line).as("a line within 10 s").isNotNull();
        return line;
    }

    private static JsonNode nextEvent(BlockingQueue<String> lines) throws Exception {
        String line = next(lines);
        assertThat(line).startsWith("data: ");
        return JSON.readTree(line.substring("data: ".length()));
    }

    @Test
    void eventsArriveInOrderWithPreviousVersions() throws Exception {
        rest.putText("/v1/kv/w/a", "0");
        BlockingQueue<String> lines = watch("prefix=w/&prev_kv=true");
        await().atMost(Duration.ofSeconds(10)).until(() -> rest.service.watches().watchers() == 1);
        rest.putText("/v1/kv/w/a", "1");
        rest.putText("/v1/kv/other", "x");
        rest.putText("/v1/kv/w/b", "2");
        rest.delete("/v1/kv/w/a");

        JsonNode first = nextEvent(lines);
        assertThat(first.get("type").asText()).isEqualTo("PUT");
        assertThat(first.get("kv").get("key_utf8").asText()).isEqualTo("w/a");
        assertThat(first.get("kv").get("value_utf8").asText()).isEqualTo("1");
        assertThat(first.get("prev_kv").get("value_utf8").asText()).isEqualTo("0");
        JsonNode second = nextEvent(lines);
        assertThat(second.get("kv").get("key_utf8").asText()).isEqualTo("w/b");
        assertThat(second.has("prev_kv")).isFalse();
        JsonNode third = nextEvent(lines);
        assertThat(third.get("type").asText()).isEqualTo("DELETE");
        assertThat(third.get("kv").get("key_utf8").asText()).isEqualTo("w/a");
        assertThat(third.get("kv").get("mod_revision").asLong())
            .isGreaterThan(second.get("kv").get("mod_revision").asLong());
    }

    @Test
    void startRevisionReplaysHistoryForOneKey() throws Exception {
        long first = rest.putText("/v1/kv/k", "1").body().get("revision").asLong();
        rest.putText("/v1/kv/k", "2");
        rest.putText("/v1/kv/kk", "not this key");
        BlockingQueue<String> lines = watch("key=k&start_revision=" + first);
        assertThat(nextEvent(lines).get("kv").get("value_utf8").asText()).isEqualTo("1");
        assertThat(nextEvent(lines).get("kv").get("value_utf8").asText()).isEqualTo("2");
        rest.putText("/v1/kv/k", "3");
        assertThat(nextEvent(lines).get("kv").get("value_utf8").asText()).isEqualTo("3");
    }

    @Test
    void disconnectedClientsWatcherIsCancelled() throws Exception {
        watch("prefix=");
        await().atMost(Duration.ofSeconds(10)).until(() -> rest.service.watches().watchers() == 1);
        streams.remove(0).close();
        await().atMost(Duration.ofSeconds(10)).until(() -> rest.service.watches().watchers() == 0);
    }

    @Test
    void watcherBehindCompactionGetsCompactedEventAndTheStreamEnds() throws Exception {
        long first = rest.putText("/v1/kv/c", "1").body().get("revision").asLong();
        rest.putText("/v1/kv/c", "2");
        long last = rest.putText("/v1/kv/c", "3").body().get("revision").asLong();
        rest.service.compact(last);
        BlockingQueue<String> lines = watch("key=c&start_revision=" + first);
        assertThat(next(lines)).isEqualTo("event: compacted");
        String data = next(lines);
        assertThat(JSON.readTree(data.substring("data: ".length())).get("compact_revision").asLong()).isEqualTo(last);
        assertThat(next(lines)).isEqualTo(END);
        await().atMost(Duration.ofSeconds(10)).until(() -> rest.service.watches().watchers() == 0);
    }

    @Test
    void closingTheServerEndsOpenStreams() throws Exception {
        BlockingQueue<String> lines = watch("prefix=");
        await().atMost(Duration.ofSeconds(10)).until(() -> rest.service.watches().watchers() == 1);
        rest.server.close();
        assertThat(next(lines)).isEqualTo(END);
        assertThat(rest.service.watches().watchers()).isZero();
    }

    @Test
    void badWatchRequestsGetJsonErrorsNotAStream() {
        assertThat(rest.get("/v1/watch").errorCode()).isEqualTo("INVALID_ARGUMENT");
        assertThat(rest.get("/v1/watch?key=a&start_revision=x").status()).isEqualTo(400);
        assertThat(rest.service.watches().watchers()).isZero();
    }
}
