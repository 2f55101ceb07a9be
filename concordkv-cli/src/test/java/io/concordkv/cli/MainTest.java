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
    void unknownEngineIsAUsageError() {
        assertThat(run("bench", "engine", "--engine", "btree")).isNotZero();
        assertThat(err.toString()).contains("unknown engine 'btree'");
    }

    @Test
    void enginesListsEveryEngine() {
        assertThat(run("engines")).isZero();
        assertThat(out.toString()).contains("array").contains("rbtree").contains("unordered").contains("lsm");
    }
}
