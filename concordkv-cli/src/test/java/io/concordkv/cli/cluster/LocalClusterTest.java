package io.concordkv.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.concordkv.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code concordkv cluster} with real member processes (child JVMs on this test's classpath) on
 * free ports of 127.0.0.1. Stops every process it started, even when a test fails.
 */
class LocalClusterTest {
    /** Small, quick-starting member JVMs. */
    private static final String[] JVM = {"--jvm-opt=-Xmx256m", "--jvm-opt=-XX:+UseSerialGC",
        "--jvm-opt=-XX:TieredStopAtLevel=1"};

    @TempDir
    Path dir;
    private final List<Long> pids = new ArrayList<>();
    private StringWriter out;
    private StringWriter err;

    @AfterEach
    void killLeftovers() {
        ClusterState.read(dir).ifPresent(s -> s.members().forEach(m -> MemberProcesses.running(m)
            .ifPresent(p -> MemberProcesses.stop(p, Duration.ofSeconds(5)))));
    }

    private int run(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    private String ok(String... args) {
        assertThat(run(args)).as("exit of %s; stdout %s; stderr %s", List.of(args), out, err).isZero();
        return out.toString();
    }

    private String[] start(int nodes, int base, String... more) {
        List<String> args = new ArrayList<>(List.of("cluster", "start", "--dir", dir.toString(), "--nodes",
            Integer.toString(nodes), "--base-port", Integer.toString(base), "--fsync", "never", "--timeout", "25s"));
        args.addAll(List.of(JVM));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    private JsonNode status() throws IOException {
        run("cluster", "status", "--dir", dir.toString(), "-w", "json");
        return new ObjectMapper().readTree(out.toString());
    }

    @Test
    void startStatusPutKillRestartAndStop() throws IOException {
        int base = freeBasePort(3);
        String started = ok(start(3, base));
        String n2 = "127.0.0.1:" + (base + 10);
        assertThat(started).contains("--endpoints=127.0.0.1:" + base + "," + n2 + ",127.0.0.1:" + (base + 20));
        ClusterState.require(dir).members().forEach(m -> pids.add(m.pid()));
        assertThat(pids).hasSize(3).allMatch(LocalClusterTest::alive);

        assertThat(run(start(3, base))).isEqualTo(2);
        assertThat(err.toString()).contains("holds a running cluster");

        JsonNode rows = status();
        assertThat(rows).hasSize(3).allMatch(r -> r.get("state").asText().equals("up"));
        assertThat(rows).extracting(r -> r.get("name").asText()).containsExactly("n1", "n2", "n3");
        assertThat(rows).allMatch(r -> r.get("leader").asLong() != 0 && r.get("raftTerm").asLong() > 0);

        assertThat(ok("put", "--endpoints=" + n2, "greeting", "hello")).isEqualTo("OK\n");
        assertThat(ok("get", "--endpoints=" + n2, "greeting")).isEqualTo("greeting\nhello\n");
        assertThat(status().get(1).get("keys").asLong()).isEqualTo(1);

        assertThat(ok("cluster", "kill", "--dir", dir.toString(), "--name", "n2")).contains("SIGKILL", "exited");
        assertThat(status().get(1).get("state").asText()).isEqualTo("down");
        assertThat(out.toString()).contains("\"name\":\"n1\",\"pid\":" + pids.get(0) + ",");
        assertThat(ok("cluster", "restart-member", "--dir", dir.toString(), "--name", "n2")).contains("n2: restarted");
        long restarted = ClusterState.require(dir).member("n2").pid();
        pids.add(restarted);
        assertThat(restarted).isNotEqualTo(pids.get(1));
        assertThat(status().get(1).get("state").asText()).isEqualTo("up");
        assertThat(ok("cluster", "status", "--endpoints", n2)).contains(n2, "up");

        assertThat(ok("cluster", "stop", "--dir", dir.toString())).contains("n1: stopped", "n2: stopped", "n3: stopped");
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(pids).noneMatch(LocalClusterTest::alive));
        assertThat(run("cluster", "status", "--dir", dir.toString())).isEqualTo(1);
        assertThat(ok("cluster", "stop", "--dir", dir.toString())).contains("n1: not running");
    }

    @Test
    void aMemberThatCannotStartIsReportedWithItsLogAndStopped() {
        int base = freeBasePort(1);

        assertThat(run(start(1, base, "--engine", "no-such-engine"))).isEqualTo(1);

        assertThat(err.toString()).contains("n1 exited with status").contains("n1.out")
            .contains("unknown engine 'no-such-engine'");
        long pid = ClusterState.require(dir).member("n1").pid();
        await().atMost(Duration.ofSeconds(5)).until(() -> !alive(pid));
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * A base port whose 3 ports per member are all free now (another process may still take one),
     * below Linux's ephemeral range (32768 and up): a port there, free when checked, could become
     * the local end of any outgoing connection before the member binds it, as one did in a CI run
     * ("cannot listen for HTTP on 127.0.0.1:33032: address in use").
     */
    private static int freeBasePort(int nodes) {
        for (int attempt = 0; attempt < 100; attempt++) {
            int base = 20000 + 10 * ThreadLocalRandom.current().nextInt(1200);
            if (new ClusterLayout(Path.of("."), nodes, base).ports().stream().allMatch(LocalClusterTest::free)) {
                return base;
            }
        }
        throw new IllegalStateException("no free base port found");
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
