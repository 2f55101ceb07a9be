package io.concordkv.cli.cluster;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code concordkv cluster stop}: SIGTERM to every running member of {@code cluster.json} at once,
 * then SIGKILL to those still running after the timeout. Signals only processes that still look
 * like the recorded members. Keeps {@code cluster.json} and the data, so {@code cluster start}
 * with the same settings starts the cluster again.
 */
@Command(name = "stop", mixinStandardHelpOptions = true,
    description = "Stop the members of the local cluster in --dir: SIGTERM, and SIGKILL after --timeout.")
final class StopCommand implements Callable<Integer> {
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "the cluster's directory")
    Path dir;

    @Option(names = "--timeout", defaultValue = "10s",
        description = "how long each member may take to shut down cleanly (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() {
        ClusterState state = ClusterState.require(dir);
        PrintWriter out = spec.commandLine().getOut();
        Map<MemberState, Optional<ProcessHandle>> processes = new LinkedHashMap<>();
        for (MemberState m : state.members()) {
            Optional<ProcessHandle> p = MemberProcesses.running(m);
            p.ifPresent(ProcessHandle::destroy);
            processes.put(m, p);
        }
        int stillRunning = 0;
        for (Map.Entry<MemberState, Optional<ProcessHandle>> e : processes.entrySet()) {
            MemberState m = e.getKey();
            String outcome;
            if (e.getValue().isEmpty()) {
                outcome = MemberProcesses.pidReused(m)
                    ? "not running (pid " + m.pid() + " is now another process, left alone)" : "not running";
            } else if (MemberProcesses.awaitExit(e.getValue().get(), timeout)) {
                outcome = "stopped (pid " + m.pid() + ")";
            } else {
                e.getValue().get().destroyForcibly();
                boolean exited = MemberProcesses.awaitExit(e.getValue().get(), KILL_WAIT);
                stillRunning += exited ? 0 : 1;
                outcome = exited ? "killed (pid " + m.pid() + "): still running " + timeout.toSeconds()
                    + " s after SIGTERM" : "STILL RUNNING (pid " + m.pid() + ") after SIGKILL";
            }
            out.println(m.name() + ": " + outcome);
        }
        return stillRunning == 0 ? 0 : 1;
    }
}
