package io.concordkv.server.http;

import static io.concordkv.server.http.RestKvTest.b64;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.concordkv.server.http.RestFixture.Answer;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestTxnTest {
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

    private String casTxn(String expected, String newValue) {
        return "{\"compare\":[{\"key\":\"" + b64("lock") + "\",\"target\":\"value\",\"op\":\"=\",\"value\":\""
            + b64(expected) + "\"}],"
            + "\"success\":[{\"put\":{\"key\":\"" + b64("lock") + "\",\"value\":\"" + b64(newValue) + "\",\"prev_kv\":true}},"
            + "{\"get\":{\"key_utf8\":\"l\",\"prefix\":true}}],"
            + "\"failure\":[{\"get\":{\"key\":\"" + b64("lock") + "\"}}]}";
    }

    @Test
    void conditionalTxnRunsTheBranchItsComparesChoose() {
        rest.putText("/v1/kv/lock", "free");
        Answer won = rest.postJson("/v1/txn", casTxn("free", "mine"));
        assertThat(won.status()).isEqualTo(200);
        JsonNode b = won.body();
        assertThat(b.get("succeeded").asBoolean()).isTrue();
        assertThat(b.get("results").get(0).get("put").get("prev_kv").get("value_utf8").asText()).isEqualTo("free");
        assertThat(b.get("results").get(1).get("get").get("kvs").get(0).get("value_utf8").asText()).isEqualTo("mine");
        long rev = b.get("revision").asLong();

        Answer lost = rest.postJson("/v1/txn", casTxn("free", "theirs"));
        assertThat(lost.body().get("succeeded").asBoolean()).isFalse();
        assertThat(lost.body().get("results").get(0).get("get").get("kvs").get(0).get("value_utf8").asText())
            .isEqualTo("mine");
        assertThat(rest.store.currentRevision()).isEqualTo(rev);
    }

    @Test
    void numberComparesAndDeletes() {
        rest.putText("/v1/kv/a", "1");
        rest.putText("/v1/kv/a", "2");
        String txn = "{\"compare\":[{\"key_utf8\":\"a\",\"target\":\"version\",\"op\":\">\",\"number\":1},"
            + "{\"key_utf8\":\"a\",\"target\":\"lease\",\"op\":\"!=\",\"number\":5},"
            + "{\"key_utf8\":\"a\",\"target\":\"create\",\"op\":\"<\",\"number\":100},"
            + "{\"key_utf8\":\"a\",\"target\":\"mod\",\"op\":\"=\",\"number\":" + rest.store.currentRevision() + "}],"
            + "\"success\":[{\"delete\":{\"key_utf8\":\"a\",\"prev_kv\":true}}]}";
        JsonNode b = rest.postJson("/v1/txn", txn).body();
        assertThat(b.get("succeeded").asBoolean()).isTrue();
        assertThat(b.get("results").get(0).get("delete").get("deleted").asLong()).isEqualTo(1);
        assertThat(rest.get("/v1/kv/a").status()).isEqualTo(404);
    }

    @Test
    void malformedTxnsAre400AndChangeNothing() {
        long before = rest.store.currentRevision();
        assertThat(rest.postJson("/v1/txn", "{\"compare\":[").status()).isEqualTo(400);
        assertThat(rest.postJson("/v1/txn", "{\"success\":[{\"put\":{\"key\":\"" + b64("x") + "\",\"value\":\""
            + b64("y") + "\"}}],\"sucess\":[]}").status()).isEqualTo(400);
        assertThat(rest.postJson("/v1/txn", "{\"compare\":[{\"key\":\"" + b64("x")
            + "\",\"target\":\"colour\",\"op\":\"=\",\"number\":1}]}").errorCode()).isEqualTo("INVALID_ARGUMENT");
        assertThat(rest.postJson("/v1/txn", "{\"compare\":[{\"key\":\"" + b64("x")
            + "\",\"target\":\"version\",\"op\":\"=\",\"number\":\"one\"}]}").status()).isEqualTo(400);
        assertThat(rest.postJson("/v1/txn", "{\"success\":[{\"put\":{\"key\":\"" + b64("x") + "\",\"value\":\""
            + b64("y") + "\"},\"get\":{\"key\":\"" + b64("x") + "\"}}]}").status()).isEqualTo(400);
        assertThat(rest.postJson("/v1/txn", "{\"success\":[{\"put\":{\"key\":\"%%%\",\"value\":\"\"}}]}").status())
            .isEqualTo(400);
        assertThat(rest.store.currentRevision()).isEqualTo(before);
    }

    /** As etcd: a branch may not write one key twice, nor hold more than max-txn-ops operations. */
    @Test
    void aBranchThatWritesAKeyTwiceOrHasTooManyOperationsIsRefusedAndChangesNothing() {
        long before = rest.store.currentRevision();
        String put = "{\"put\":{\"key_utf8\":\"d\",\"value\":\"" + b64("1") + "\"}}";
        Answer twice = rest.postJson("/v1/txn", "{\"failure\":[" + put + "," + put + "]}");
        assertThat(twice.status()).isEqualTo(400);
        assertThat(twice.errorCode()).isEqualTo("INVALID_ARGUMENT");
        assertThat(twice.body().toString()).contains("duplicate key given in txn request");
        assertThat(rest.postJson("/v1/txn", "{\"success\":[" + put + ",{\"delete\":{\"key_utf8\":\"\","
            + "\"prefix\":true}}]}").errorCode()).isEqualTo("INVALID_ARGUMENT");
        String many = String.join(",", java.util.Collections.nCopies(
            io.concordkv.server.service.TxnChecks.DEFAULT_MAX_OPS + 1, "{\"get\":{\"key_utf8\":\"d\"}}"));
        Answer tooMany = rest.postJson("/v1/txn", "{\"success\":[" + many + "]}");
        assertThat(tooMany.errorCode()).isEqualTo("INVALID_ARGUMENT");
        assertThat(tooMany.body().toString()).contains("too many operations in txn request");
        assertThat(rest.store.currentRevision()).isEqualTo(before);
        assertThat(rest.postJson("/v1/txn", "{\"success\":[" + put + ",{\"delete\":{\"key_utf8\":\"e\"}},"
            + "{\"delete\":{\"key_utf8\":\"a\",\"prefix\":true}},{\"delete\":{\"key_utf8\":\"ab\",\"prefix\":true}}]}").status())
            .as("deletes may overlap each other and a put outside them").isEqualTo(200);
    }

    private String begin(String json) {
        Answer a = rest.postJson("/v1/txns", json);
        assertThat(a.status()).isEqualTo(200);
        return a.body().get("id").asText();
    }

    @Test
    void interactiveTxnReadsItsOwnWritesAndCommits() {
        rest.putText("/v1/kv/acct/a", "10");
        String id = begin("{\"isolation\":\"REPEATABLE_READ\",\"mode\":\"optimistic\",\"timeout_ms\":5000}");
        assertThat(id).hasSize(32);
        assertThat(rest.get("/v1/txns/" + id + "/kv/acct/a").body().get("value_utf8").asText()).isEqualTo("10");
        assertThat(rest.putText("/v1/txns/" + id + "/kv/acct/b", "5").status()).isEqualTo(200);
        assertThat(rest.delete("/v1/txns/" + id + "/kv/acct/a").status()).isEqualTo(200);
        assertThat(RestKvTest.keys(rest.get("/v1/txns/" + id + "/kv?prefix=acct/"))).containsExactly("acct/b");
        assertThat(rest.get("/v1/kv/acct/b").status()).isEqualTo(404);

        Answer commit = rest.postJson("/v1/txns/" + id + "/commit", "");
        assertThat(commit.status()).isEqualTo(200);
        assertThat(commit.body().get("revision").asLong()).isEqualTo(rest.store.currentRevision());
        assertThat(rest.get("/v1/kv/acct/b").body().get("value_utf8").asText()).isEqualTo("5");
        assertThat(rest.get("/v1/kv/acct/a").status()).isEqualTo(404);
        assertThat(rest.sessions.open()).isZero();
        assertThat(rest.postJson("/v1/txns/" + id + "/commit", "").status()).isEqualTo(404);
    }

    @Test
    void rollbackDiscardsWrites() {
        String id = begin("{\"isolation\":\"READ_COMMITTED\",\"mode\":\"pessimistic\"}");
        rest.putJson("/v1/txns/" + id + "/kv/k", "{\"value_utf8\":\"v\"}");
        assertThat(rest.postJson("/v1/txns/" + id + "/rollback", "").status()).isEqualTo(200);
        assertThat(rest.get("/v1/kv/k").status()).isEqualTo(404);
        assertThat(rest.get("/v1/txns/" + id + "/kv/k").errorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void writeWriteConflictUnderRepeatableReadIs409() {
        String first = begin("{\"isolation\":\"REPEATABLE_READ\",\"mode\":\"optimistic\"}");
        String second = begin("{\"isolation\":\"REPEATABLE_READ\",\"mode\":\"optimistic\"}");
        rest.putText("/v1/txns/" + first + "/kv/hot", "1");
        rest.putText("/v1/txns/" + second + "/kv/hot", "2");
        assertThat(rest.postJson("/v1/txns/" + first + "/commit", "").status()).isEqualTo(200);
        Answer lost = rest.postJson("/v1/txns/" + second + "/commit", "");
        assertThat(lost.status()).isEqualTo(409);
        assertThat(lost.errorCode()).isEqualTo("CONFLICT");
        assertThat(rest.get("/v1/kv/hot").body().get("value_utf8").asText()).isEqualTo("1");
        assertThat(rest.sessions.open()).isZero();
    }

    @Test
    void idleTxnsAreRolledBackAndLeaveTheRegistry() {
        String id = begin("{\"isolation\":\"REPEATABLE_READ\",\"mode\":\"pessimistic\",\"idle_timeout_ms\":200}");
        rest.putText("/v1/txns/" + id + "/kv/k", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> rest.sessions.open() == 0);
        assertThat(rest.postJson("/v1/txns/" + id + "/commit", "").errorCode()).isEqualTo("NOT_FOUND");
        assertThat(rest.get("/v1/kv/k").status()).isEqualTo(404);
    }

    @Test
    void abandonedTxnsAreReapedAndLeaveTheRegistry() {
        String id = begin("{\"isolation\":\"REPEATABLE_READ\",\"mode\":\"pessimistic\",\"timeout_ms\":300}");
        rest.putText("/v1/txns/" + id + "/kv/k", "v");
        await().atMost(Duration.ofSeconds(10)).until(() -> rest.sessions.open() == 0);
        assertThat(rest.get("/v1/kv/k").status()).isEqualTo(404);
    }

    @Test
    void badBeginsAndUnknownIdsAreRejected() {
        assertThat(rest.postJson("/v1/txns", "{\"isolation\":\"SNAPSHOT\"}").status()).isEqualTo(400);
        assertThat(rest.postJson("/v1/txns", "{\"mode\":\"optimistic\",\"extra\":true}").status()).isEqualTo(400);
        assertThat(rest.postJson("/v1/txns", "{\"timeout_ms\":0}").status()).isEqualTo(400);
        Answer unknown = rest.get("/v1/txns/00000000000000000000000000000000/kv/k");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.errorCode()).isEqualTo("NOT_FOUND");
        String ro = begin("{\"read_only\":true}");
        assertThat(rest.putText("/v1/txns/" + ro + "/kv/k", "v").status()).isBetween(400, 499);
    }
}
