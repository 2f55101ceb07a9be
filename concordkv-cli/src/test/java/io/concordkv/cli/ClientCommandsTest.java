package io.concordkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.concordkv.server.ConcordServer;
import io.concordkv.server.ServerConfig;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The etcdctl-like client commands against a ConcordKV server started in this JVM. */
class ClientCommandsTest {
    @TempDir
    Path dir;
    private ConcordServer server;
    private StringWriter out;
    private StringWriter err;

    @BeforeEach
    void start() {
        server = ConcordServer.start(ServerConfig.resolve(Optional.empty(), Map.of(), Map.of("data-dir",
            dir.toString(), "listen-client", "127.0.0.1:0", "listen-http", "127.0.0.1:0", "fsync", "never")));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String endpoint() {
        return "127.0.0.1:" + server.grpcPort();
    }

    /** Runs a client command against the server with {@code stdin} as standard input; output in {@link #out}. */
    private int runWithInput(String stdin, String... args) {
        out = new StringWriter();
        err = new StringWriter();
        List<String> all = new ArrayList<>(List.of(args));
        int split = all.indexOf("--");
        all.add(split < 0 ? all.size() : split, "--endpoints=" + endpoint());
        all.remove("--");
        return Main.run(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), new PrintWriter(out, true),
            new PrintWriter(err, true), all.toArray(String[]::new));
    }

    private int run(String... args) {
        return runWithInput("", args);
    }

    private String ok(String... args) {
        assertThat(run(args)).as("exit of %s, stderr %s", List.of(args), err).isZero();
        return out.toString();
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void putGetPrefixRangeAndDelete() throws Exception {
        assertThat(ok("put", "user/1", "alice")).isEqualTo("OK\n");
        ok("put", "user/2", "bob");
        ok("put", "zzz", "last");
        assertThat(ok("get", "user/1")).isEqualTo("user/1\nalice\n");
        assertThat(ok("get", "user/", "--prefix")).isEqualTo("user/1\nalice\nuser/2\nbob\n");
        assertThat(ok("get", "user/", "--prefix", "--keys-only")).isEqualTo("user/1\nuser/2\n");
        assertThat(ok("get", "user/", "--prefix", "--print-value-only")).isEqualTo("alice\nbob\n");
        assertThat(ok("get", "user/", "--prefix", "--count-only")).isEqualTo("2\n");
        assertThat(ok("get", "user/", "--prefix", "--order", "DESCEND", "--limit", "1")).isEqualTo("user/2\nbob\n");
        assertThat(ok("get", "a", "--from-key", "--sort-by", "VALUE", "--keys-only")).isEqualTo("user/1\nuser/2\nzzz\n");
        assertThat(ok("range", "user/1", "user/9", "--consistency", "s")).isEqualTo("user/1\nalice\nuser/2\nbob\n");
        assertThat(ok("put", "user/1", "carol", "--prev-kv")).isEqualTo("OK\nuser/1\nalice\n");

        JsonNode json = new ObjectMapper().readTree(ok("get", "user/", "--prefix", "-w", "json"));
        assertThat(json.get("count").asLong()).isEqualTo(2);
        assertThat(json.get("header").get("revision").asLong()).isPositive();
        assertThat(json.get("kvs").get(0).get("key").asText()).isEqualTo(b64("user/1"));
        assertThat(json.get("kvs").get(0).get("value").asText()).isEqualTo(b64("carol"));
        assertThat(json.get("kvs").get(1).get("version").asLong()).isEqualTo(1);

        assertThat(ok("del", "user/", "--prefix", "--prev-kv")).isEqualTo("2\nuser/1\ncarol\nuser/2\nbob\n");
        assertThat(ok("del", "nothing")).isEqualTo("0\n");
        assertThat(ok("get", "user/", "--prefix")).isEmpty();
    }

    @Test
    void benchKvSendsTheWarmUpFirstAndRecordsOnlyTheRun() throws Exception {
        long before = revision();
        JsonNode row = new ObjectMapper().readTree(ok("bench", "kv", "--op", "put", "--clients", "4", "--conns", "2",
            "--warmup", "30", "--total", "50", "--key-space", "10"));
        assertThat(row.get("total").asLong()).as("recorded requests").isEqualTo(50);
        assertThat(row.get("errors").asLong()).isZero();
        assertThat(row.get("warmup").asLong()).isEqualTo(30);
        assertThat(row.get("generator_cpu_us_per_op").asDouble()).isPositive();
        assertThat(revision() - before).as("every put, warm-up included, was sent").isEqualTo(30 + 50);
    }

    @Test
    void benchKvCountsFailedRequestsByStatusCode() throws Exception {
        JsonNode row = new ObjectMapper().readTree(ok("bench", "kv", "--op", "put", "--clients", "2", "--total", "6",
            "--value-size", "1600000"));
        assertThat(row.get("total").asLong()).as("nothing succeeded").isZero();
        assertThat(row.get("errors").asLong()).isEqualTo(6);
        JsonNode byCode = row.get("errors_by_code");
        assertThat(byCode.fieldNames()).toIterable().hasSize(1);
        JsonNode only = byCode.elements().next();
        assertThat(only.get("count").asLong()).isEqualTo(6);
        assertThat(only.get("first").asText()).as("the server's description of the first failure").isNotBlank();
    }

    private long revision() throws Exception {
        return new ObjectMapper().readTree(ok("get", "x", "-w", "json")).get("header").get("revision").asLong();
    }

    @Test
    void conditionalTxnReadsEtcdctlFormatFromStdin() {
        ok("put", "k", "v1");
        String script = "value(\"k\") = \"v1\"\nversion(\"k\") > \"0\"\n\nput k v2\nget k\n\nput k failed\n";
        assertThat(runWithInput(script, "txn")).isZero();
        assertThat(out.toString()).isEqualTo("SUCCESS\n\nOK\n\nk\nv2\n");
        assertThat(runWithInput("mod(\"k\") < \"1\"\n\ndel k\n\nget k\n", "txn")).isZero();
        assertThat(out.toString()).isEqualTo("FAILURE\n\nk\nv2\n");
        assertThat(runWithInput("create(\"k\") = \"0\"\n\nput k x\n", "txn")).isZero();
        assertThat(out.toString()).isEqualTo("FAILURE\n");
        assertThat(runWithInput("bogus(\"k\") = \"1\"\n", "txn")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Error: ");
    }

    @Test
    void interactiveTransactionSession() {
        ok("put", "acct/a", "100");
        String session = "get acct/a\nput acct/a 90\nput acct/b 10\nfrobnicate\nrange acct/ acct0\ncommit\nput ignored x\n";
        assertThat(runWithInput(session, "txn", "begin", "--isolation", "REPEATABLE_READ", "--mode", "pessimistic"))
            .as(err.toString()).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).startsWith("BEGIN ");
        assertThat(List.of(lines).subList(1, lines.length)).containsExactly("acct/a", "100", "OK", "OK",
            "acct/a", "90", "acct/b", "10", lines[lines.length - 1]);
        assertThat(lines[lines.length - 1]).startsWith("COMMIT at revision ");
        assertThat(err.toString()).contains("Error: unknown command 'frobnicate'");
        assertThat(ok("get", "acct/", "--prefix", "--print-value-only")).isEqualTo("90\n10\n");
        assertThat(ok("get", "ignored")).isEmpty();

        assertThat(runWithInput("put acct/a 0\n", "txn", "begin")).isZero();
        assertThat(out.toString()).endsWith("OK\nROLLBACK (end of input)\n");
        assertThat(ok("get", "acct/a", "--print-value-only")).isEqualTo("90\n");
    }

    @Test
    void leaseGrantAttachTimeToLiveAndRevoke() {
        Matcher granted = Pattern.compile("lease ([0-9a-f]{16}) granted with TTL\\(60s\\)\n").matcher(ok("lease", "grant", "60"));
        assertThat(granted.matches()).isTrue();
        String id = granted.group(1);
        ok("put", "session", "x", "--lease", id);
        assertThat(ok("lease", "timetolive", id, "--keys"))
            .matches("lease " + id + " granted with TTL\\(60s\\), remaining\\(\\d+s\\), attached keys\\(\\[session\\]\\)\n");
        assertThat(ok("lease", "list")).isEqualTo("found 1 leases\n" + id + "\n");
        assertThat(ok("lease", "keep-alive", id, "--once")).matches("lease " + id + " keepalived with TTL\\(60\\)\n");
        assertThat(ok("lease", "revoke", id)).isEqualTo("lease " + id + " revoked\n");
        assertThat(ok("get", "session")).isEmpty();
        assertThat(ok("lease", "timetolive", id)).isEqualTo("lease " + id + " already expired\n");
    }

    @Test
    void memberListAndStatus() throws Exception {
        assertThat(ok("member", "list")).matches("[0-9a-f]+, started, default, \\S*, \\S*, false\n");
        assertThat(ok("status")).matches(Pattern.quote(endpoint()) + ", [0-9a-f]+, \\S+, \\d+(\\.\\d)? [kMG]?B, true, \\d+, \\d+\n");
        JsonNode status = new ObjectMapper().readTree(ok("status", "-w", "json"));
        assertThat(status.get(0).get("Endpoint").asText()).isEqualTo(endpoint());
        assertThat(status.get(0).get("Status").get("version").asText()).isNotEmpty();
    }

    @Test
    void watchPrintsEventsFromARevisionUntilMaxEvents() {
        ok("put", "w/a", "1");
        ok("del", "w/a");
        ok("put", "w/b", "2");
        assertThat(ok("watch", "w/", "--prefix", "--rev", "1", "--max-events", "3"))
            .isEqualTo("PUT\nw/a\n1\nDELETE\nw/a\n\nPUT\nw/b\n2\n");
        assertThat(ok("watch", "w/b", "--rev", "1", "--prev-kv", "--max-events", "1")).isEqualTo("PUT\nw/b\n2\n");
    }

    @Test
    void futureRevisionIsAnErrorOnStderr() {
        ok("put", "k", "v");
        assertThat(run("get", "k", "--rev", "1000000")).isEqualTo(2);
        assertThat(err.toString()).startsWith("Error: ");
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void unreachableEndpointFailsWithinTheCommandTimeout() {
        out = new StringWriter();
        err = new StringWriter();
        int code = Main.run(new ByteArrayInputStream(new byte[0]), new PrintWriter(out, true), new PrintWriter(err, true),
            "get", "k", "--endpoints", "127.0.0.1:1", "--command-timeout", "500ms");
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).startsWith("Error: ");
    }
}
