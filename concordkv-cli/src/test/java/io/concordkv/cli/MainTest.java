package io.concordkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void helpListsTheCommands() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("bench").contains("engines");
    }

    @Test
    void benchEnginePrintsOneJsonLinePerOperation() throws Exception {
        assertThat(run("bench", "engine", "--engine", "array", "--keys", "1000", "--threads", "2",
            "--seconds", "0.05")).isZero();
        List<JsonNode> rows = new ArrayList<>();
        for (String line : out.toString().split("\n")) {
            rows.add(new ObjectMapper().readTree(line));
        }
        assertThat(rows).extracting(r -> r.get("op").asText()).containsExactly("put", "get", "get_miss", "scan100");
        for (JsonNode row : rows) {
            assertThat(row.get("engine").asText()).isEqualTo("array");
            assertThat(row.get("threads").asInt()).isEqualTo(2);
            assertThat(row.get("keys").asInt()).isEqualTo(1000);
            assertThat(row.get("ops_per_sec").asLong()).isPositive();
            assertThat(row.has("p50_us") && row.has("p99_us")).isTrue();
        }
    }

    @Test
    void benchFootprintPrintsTheHeapPerKey(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        assertThat(run("bench", "footprint", "--engine", "hash", "--keys", "20000", "--dir", dir.toString())).isZero();
        JsonNode row = new ObjectMapper().readTree(out.toString().trim());
        assertThat(row.get("keys").asInt()).isEqualTo(20_000);
        // each key holds at least its own 16 key bytes and 100 value bytes
        assertThat(row.get("bytes_per_key").asDouble()).isGreaterThan(116);
        assertThat(run("bench", "footprint", "--keys", "0")).isNotZero();
    }

    @Test
    void unknownEngineIsAUsageError() {
        assertThat(run("bench", "engine", "--engine", "btree")).isNotZero();
        assertThat(err.toString()).contains("unknown engine 'btree'");
    }

    @Test
    void benchStoreRecoveryAndCompactionPrintJson(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        assertThat(run("bench", "store", "--fsync", "always", "--threads", "4", "--keys", "1000", "--seconds", "0.2",
            "--warmup", "0.1", "--dir", dir.toString())).isZero();
        JsonNode store = new ObjectMapper().readTree(out.toString().trim());
        assertThat(store.get("warmup_s").asDouble()).isEqualTo(0.1);
        assertThat(store.get("ops").asLong()).isPositive();
        assertThat(store.get("fsyncs").asLong()).isPositive();
        assertThat(store.get("writes_per_fsync").asDouble()).isGreaterThanOrEqualTo(1.0);
        out.getBuffer().setLength(0);
        assertThat(run("bench", "recovery", "--keys", "2000", "--tail", "500", "--dir", dir.toString())).isZero();
        assertThat(new ObjectMapper().readTree(out.toString().trim()).get("keys").asLong()).isEqualTo(2000);
        out.getBuffer().setLength(0);
        assertThat(run("bench", "compaction", "--keys", "100", "--writes", "1000", "--dir", dir.toString())).isZero();
        assertThat(new ObjectMapper().readTree(out.toString().trim()).get("saved_percent").asDouble()).isGreaterThan(50);
        try (var left = java.nio.file.Files.list(dir)) {
            assertThat(left).as("temporary stores removed").isEmpty();
        }
    }

    @Test
    void enginesListsEveryEngine() {
        assertThat(run("engines")).isZero();
        assertThat(out.toString()).contains("array").contains("rbtree").contains("unordered").contains("lsm");
    }
}
