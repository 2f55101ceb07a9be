package io.concordkv.it.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.concordkv.testing.LoopbackPorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd's own command-line client, {@code etcdctl} (Debian package {@code etcd-client}, which
 * {@code .ci/run} installs), against a real server process: the commands work and print what
 * they print against etcd.
 */
class EtcdctlCompatibilityIT {
    @TempDir
    static Path dir;
    static ServerProcess server;

    @BeforeAll
    static void start() throws IOException {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/etcdctl")), "etcdctl is not installed (apt-get install etcd-client)");
        server = ServerProcess.start(dir, LoopbackPorts.free());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        if (server != null) {
            assertThat(server.terminate()).as("SIGTERM shuts the server down cleanly").isIn(0, 143);
        }
    }

    static String etcdctlWithInput(String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/etcdctl", "--endpoints=" + server.endpoint(),
            "--command-timeout=10s"));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process p = pb.start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    }

    static String etcdctl(String... args) throws IOException, InterruptedException {
        return etcdctlWithInput(null, args);
    }

    @Test
    void putGetPrefixDelete() throws Exception {
        assertThat(etcdctl("put", "app/a", "1")).isEqualTo("OK\n");
        assertThat(etcdctl("put", "app/b", "2")).isEqualTo("OK\n");
        assertThat(etcdctl("get", "app/a")).isEqualTo("app/a\n1\n");
        assertThat(etcdctl("get", "app/", "--prefix")).isEqualTo("app/a\n1\napp/b\n2\n");
        assertThat(etcdctl("get", "app/", "--prefix", "--keys-only")).isEqualTo("app/a\n\napp/b\n\n");
        assertThat(etcdctl("get", "app/", "--prefix", "--limit=1", "--order=DESCEND")).isEqualTo("app/b\n2\n");
        assertThat(etcdctl("del", "app/", "--prefix")).isEqualTo("2\n");
        assertThat(etcdctl("get", "app/", "--prefix")).isEmpty();
    }

    @Test
    void txnTakesTheRightBranch() throws Exception {
        etcdctl("put", "t", "bar");
        String out = etcdctlWithInput("value(\"t\") = \"bar\"\n\nput t baz\n\nput t nope\n\n", "txn");
        assertThat(out).isEqualTo("SUCCESS\n\nOK\n");
        assertThat(etcdctl("get", "t")).isEqualTo("t\nbaz\n");
        assertThat(etcdctlWithInput("value(\"t\") = \"bar\"\n\nput t x\n\nput t nope\n\n", "txn")).isEqualTo("FAILURE\n\nOK\n");
        assertThat(etcdctl("get", "t")).isEqualTo("t\nnope\n");
    }

    @Test
    void watchSeesPutsAndDeletes() throws Exception {
        String rev = etcdctl("put", "w/1", "hello", "-w", "json");
        etcdctl("del", "w/1");
        // watch from the put's revision, so nothing is missed however slowly etcdctl starts
        long put = Long.parseLong(rev.replaceAll("(?s).*\"revision\":(\\d+).*", "$1"));
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/etcdctl", "--endpoints=" + server.endpoint(), "watch", "w/",
            "--prefix", "--rev=" + put).redirectErrorStream(true);
        pb.environment().put("ETCDCTL_API", "3");
        Process watch = pb.start();
        try {
            var reader = new java.io.BufferedReader(new java.io.InputStreamReader(watch.getInputStream(),
                StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                seen.append(reader.readLine()).append('\n');
            }
            assertThat(seen.toString()).isEqualTo("PUT\nw/1\nhello\nDELETE\nw/1\n");
        } finally {
            watch.destroy();
        }
    }

    @Test
    void leaseGrantPutRevoke() throws Exception {
        String granted = etcdctl("lease", "grant", "60");
        assertThat(granted).matches("lease [0-9a-f]+ granted with TTL\\(60s\\)\n");
        String id = granted.split(" ")[1];
        assertThat(etcdctl("put", "eph", "x", "--lease=" + id)).isEqualTo("OK\n");
        assertThat(etcdctl("lease", "timetolive", id, "--keys")).startsWith("lease " + id + " granted with TTL(60s)")
            .endsWith("attached keys([eph])\n");
        assertThat(etcdctl("lease", "list")).contains(id);
        assertThat(etcdctl("lease", "revoke", id)).isEqualTo("lease " + id + " revoked\n");
        assertThat(etcdctl("get", "eph")).isEmpty();
    }

    @Test
    void endpointStatusHealthAndMemberList() throws Exception {
        assertThat(etcdctl("endpoint", "health")).startsWith(server.endpoint() + " is healthy");
        String status = etcdctl("endpoint", "status");
        assertThat(status).startsWith(server.endpoint() + ", ").contains(", 3.5.0, ").contains(", true, false, 1, ");
        assertThat(etcdctl("member", "list")).matches("[0-9a-f]+, started, default, , http://" + server.endpoint()
            + ", false\n");
    }

    @Test
    void compactedRevisionsAreReportedAsEtcdDoes() throws Exception {
        etcdctl("put", "c", "1");
        String second = etcdctl("put", "c", "2", "-w", "json");
        long rev = Long.parseLong(second.replaceAll("(?s).*\"revision\":(\\d+).*", "$1"));
        assertThat(etcdctl("compact", Long.toString(rev))).isEqualTo("compacted revision " + rev + "\n");
        assertThat(etcdctl("get", "c", "--rev=" + (rev - 1))).contains("required revision has been compacted");
    }
}
