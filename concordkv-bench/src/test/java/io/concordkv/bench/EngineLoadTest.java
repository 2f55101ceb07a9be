package io.concordkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EngineLoadTest {

    @Test
    void reportsEveryOperationForAnOrderedEngine() throws Exception {
        List<Map<String, Object>> rows = new EngineLoad("rbtree", 1000, 2, Duration.ofMillis(50), 1).run();
        assertThat(rows).extracting(r -> r.get("op")).containsExactly("put", "get", "get_miss", "scan100");
        for (Map<String, Object> row : rows) {
            assertThat(row).containsEntry("engine", "rbtree").containsEntry("threads", 2).containsEntry("keys", 1000);
            assertThat((Long) row.get("ops")).isPositive();
            assertThat((Long) row.get("ops_per_sec")).isPositive();
            assertThat((Double) row.get("p99_us")).isGreaterThanOrEqualTo((Double) row.get("p50_us"));
        }
    }

    @Test
    void skipsScanOnAnUnorderedEngine() throws Exception {
        List<Map<String, Object>> rows = new EngineLoad("hash", 1000, 1, Duration.ofMillis(30), 1).run();
        assertThat(rows).extracting(r -> r.get("op")).containsExactly("put", "get", "get_miss");
    }
}
