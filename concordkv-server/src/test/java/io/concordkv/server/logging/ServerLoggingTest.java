package io.concordkv.server.logging;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.concordkv.server.ServerConfig;
import io.concordkv.server.TestServers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class ServerLoggingTest {
    @TempDir
    Path dir;

    @AfterEach
    void restoreTheTestLogging() throws Exception {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        context.reset();
        new ContextInitializer(context).autoConfig();
    }

    @Test
    void jsonLinesWithLevelLoggerAndNodeRolledOverBySize() throws Exception {
        Path file = dir.resolve("server.log");
        ServerConfig config = TestServers.config(dir, Map.of("name", "n7", "log-file", file.toString(),
            "log-max-bytes", "4096", "log-max-files", "2"));
        ServerLogging.configure(config);
        Logger log = LoggerFactory.getLogger("io.concordkv.server.SomeComponent");
        for (int i = 0; i < 200; i++) {
            log.info("state change {} of a component, padded so that the file rolls over soon", i);
        }
        LoggerFactory.getLogger("io.grpc.Something").info("not shown: gRPC logs at WARN");
        ((LoggerContext) LoggerFactory.getILoggerFactory()).stop();
        assertThat(Files.exists(dir.resolve("server.log.1"))).as("rolled over").isTrue();
        assertThat(Files.exists(dir.resolve("server.log.3"))).as("only two old files kept").isFalse();
        List<String> lines = Files.readAllLines(file);
        assertThat(lines).isNotEmpty();
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode n = json.readTree(line);
            assertThat(n.get("level").asText()).isEqualTo("INFO");
            assertThat(n.get("logger_name").asText()).isEqualTo("io.concordkv.server.SomeComponent");
            assertThat(n.get("node").asText()).isEqualTo("n7");
            assertThat(n.get("message").asText()).startsWith("state change ");
            assertThat(n.has("@timestamp")).isTrue();
        }
        assertThat(String.join("\n", lines)).doesNotContain("not shown");
    }
}
