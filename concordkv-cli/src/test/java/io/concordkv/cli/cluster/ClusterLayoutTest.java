package io.concordkv.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.KvException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The layout of a local cluster, its state file, and telling our processes from others; no process started. */
class ClusterLayoutTest {
    @TempDir
    Path dir;

    private List<MemberState> members(int nodes, List<String> extra) {
        return new ClusterLayout(dir, nodes, 40000).members(List.of("java", "-cp", "cp", "Main"), extra);
    }

    @Test
    void membersGetDistinctPortsNamesAndFiles() {
        ClusterLayout layout = new ClusterLayout(dir, 3, 40000);
        assertThat(layout.ports()).containsExactly(40000, 40001, 40002, 40010, 40011, 40012, 40020, 40021, 40022);
        assertThat(layout.initialCluster()).isEqualTo("n1=127.0.0.1:40001,n2=127.0.0.1:40011,n3=127.0.0.1:40021");

        List<MemberState> members = members(3, List.of("--lease-reads", "true"));
        assertThat(members).extracting(MemberState::name).containsExactly("n1", "n2", "n3");
        MemberState n2 = members.get(1);
        assertThat(n2.clientEndpoint()).isEqualTo("127.0.0.1:40010");
        assertThat(n2.dataDir()).isEqualTo(dir.resolve("n2").toString());
        assertThat(n2.logFile()).isEqualTo(dir.resolve("n2.log").toString());
        assertThat(n2.outFile()).isEqualTo(dir.resolve("n2.out").toString());
        assertThat(n2.command()).startsWith("java", "-cp", "cp", "Main", "server", "--name", "n2")
            .containsSequence("--listen-peer", "127.0.0.1:40011")
            .containsSequence("--listen-http", "127.0.0.1:40012")
            .containsSequence("--initial-cluster", layout.initialCluster())
            .containsSequence("--log-file", n2.logFile())
            .endsWith("--lease-reads", "true");
    }

    @Test
    void refusesBadShapesAndFlagsItSetsItself() {
        assertThatThrownBy(() -> new ClusterLayout(dir, 0, 40000)).isInstanceOf(KvException.class)
            .hasMessageContaining("--nodes");
        assertThat(new ClusterLayout(dir, 3, 65513).ports()).endsWith(65535);
        assertThatThrownBy(() -> new ClusterLayout(dir, 3, 65514)).isInstanceOf(KvException.class)
            .hasMessageContaining("--base-port");
        assertThatThrownBy(() -> members(3, List.of("--data-dir=/x", "--name", "z")))
            .isInstanceOf(KvException.class).hasMessageContaining("[--data-dir, --name]");
    }

    @Test
    void stateRoundTripsThroughClusterJson() {
        assertThat(ClusterState.read(dir)).isEmpty();
        assertThatThrownBy(() -> ClusterState.require(dir)).hasMessageContaining("no cluster in");

        ClusterState state = ClusterState.of(members(2, List.of()));
        MemberState n1 = state.member("n1").withProcess(1234, 1_700_000_000_000L);
        state.with(n1).write(dir);

        ClusterState read = ClusterState.require(dir);
        assertThat(read).isEqualTo(state.with(n1));
        assertThat(read.member("n1").pid()).isEqualTo(1234);
        assertThat(read.member("n2").pid()).isZero();
        assertThat(Files.exists(dir.resolve(ClusterState.FILE + ".tmp"))).isFalse();
        assertThatThrownBy(() -> read.member("n9")).hasMessageContaining("[n1, n2]");
    }

    @Test
    void aRecordedPidNowRunningSomethingElseIsNotTheMember() {
        MemberState asThisJvm = members(1, List.of()).get(0)
            .withProcess(ProcessHandle.current().pid(), MemberProcesses.startedAt(ProcessHandle.current()));

        assertThat(MemberProcesses.running(asThisJvm)).isEmpty();
        assertThat(MemberProcesses.pidReused(asThisJvm)).isTrue();
        assertThat(MemberProcesses.arguments(ProcessHandle.current())).isNotEmpty();
    }

    @Test
    void tailReadsTheLastLines() throws IOException {
        Path log = dir.resolve("n1.log");
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 5000; i++) {
            text.append("line ").append(i).append(" ").append("x".repeat(20)).append('\n');
        }
        Files.writeString(log, text, StandardCharsets.UTF_8);

        assertThat(MemberProcesses.tail(log, 2)).containsExactly("line 4998 " + "x".repeat(20),
            "line 4999 " + "x".repeat(20));
        assertThat(MemberProcesses.tail(dir.resolve("missing.log"), 2)).isEmpty();
    }
}
