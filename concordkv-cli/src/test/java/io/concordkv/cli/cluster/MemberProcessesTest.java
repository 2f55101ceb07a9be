package io.concordkv.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class MemberProcessesTest {
    @Test
    void membersGetGcSettingsForShortPausesThatTheUsersOptionsCanOverride() {
        List<String> command = MemberProcesses.launcher(List.of("-Xmx1g", "-XX:MaxGCPauseMillis=20"), "Main");
        assertThat(command).containsSubsequence("-XX:MaxGCPauseMillis=50", "-XX:MaxTenuringThreshold=0", "-Xmn256m",
            "-Xmx1g", "-XX:MaxGCPauseMillis=20", "-cp");
        assertThat(command.get(command.size() - 1)).isEqualTo("Main");
    }
}
