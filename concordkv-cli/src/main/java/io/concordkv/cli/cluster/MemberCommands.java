package io.concordkv.cli.cluster;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** The fault-test commands on one member: {@code cluster kill} and {@code cluster restart-member}. */
final class MemberCommands {
    private MemberCommands() {
    }

    /**
     * {@code concordkv cluster restart-member}: starts a stopped member again with the command
     * line it was first started with, appending to its log and output; records the new pid.
     */
    @Command(name = "restart-member", mixinStandardHelpOptions = true,
        description = "Start a stopped member of the local cluster again, with its original flags.")
    static final class RestartMember implements Callable<Integer> {
        private static final Duration STOP_GRACE = Duration.ofSeconds(10);

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, description = "the cluster's directory")
        Path dir;

        @Option(names = "--name", required = true, description = "the member, e.g. n2")
        String name;

        @Option(names = "--timeout", defaultValue = "60s",
            description = "how long to wait for it to serve (default ${DEFAULT-VALUE})")
        Duration timeout;

        @Override
        public Integer call() {
            MemberState member = ClusterState.require(dir).member(name);
            Optional<ProcessHandle> running = MemberProcesses.running(member);
            if (running.isPresent()) {
                throw new KvException(ErrorCode.ALREADY_EXISTS, name + " is running (pid " + member.pid()
                    + "); stop it first, e.g. concordkv cluster kill --dir " + dir + " --name " + name);
            }
            Process p = MemberProcesses.start(member);
            MemberState restarted = member.withProcess(p.pid(), MemberProcesses.startedAt(p.toHandle()));
            ClusterState.require(dir).with(restarted).write(dir);
            List<MemberStartup.Started> started = List.of(new MemberStartup.Started(restarted, p));
            Optional<MemberStartup.Failure> failure = MemberStartup.awaitReady(started, timeout);
            if (failure.isPresent()) {
                MemberStartup.report(failure.get(), spec.commandLine().getErr());
                MemberStartup.stopAll(started, STOP_GRACE);
                return 1;
            }
            spec.commandLine().getOut().println(name + ": restarted (pid " + p.pid() + ", client "
                + restarted.clientEndpoint() + ")");
            return 0;
        }
    }

    /**
     * {@code concordkv cluster kill}: sends one signal to a running member; after KILL or TERM
     * waits for it to exit. Does not change {@code cluster.json}.
     */
    @Command(name = "kill", mixinStandardHelpOptions = true,
        description = {"Send a signal to a member of the local cluster: KILL (default) or TERM, and wait for it to exit;",
            "STOP pauses it, CONT resumes it."})
    static final class Kill implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Option(names = "--dir", required = true, description = "the cluster's directory")
        Path dir;

        @Option(names = "--name", required = true, description = "the member, e.g. n2")
        String name;

        @Option(names = "--signal", defaultValue = "KILL", description = "KILL, TERM, STOP or CONT (default ${DEFAULT-VALUE})")
        MemberProcesses.Signal signal;

        @Option(names = "--timeout", defaultValue = "10s",
            description = "how long to wait for it to exit after KILL or TERM (default ${DEFAULT-VALUE})")
        Duration timeout;

        @Override
        public Integer call() {
            MemberState member = ClusterState.require(dir).member(name);
            ProcessHandle process = MemberProcesses.running(member).orElseThrow(() ->
                new KvException(ErrorCode.NOT_FOUND, name + " is not running"));
            MemberProcesses.signal(process, signal);
            String sent = name + ": SIG" + signal + " sent to pid " + process.pid();
            return switch (signal) {
                case KILL, TERM -> {
                    boolean exited = MemberProcesses.awaitExit(process, timeout);
                    spec.commandLine().getOut().println(sent + (exited ? ", exited"
                        : ", still running after " + timeout.toSeconds() + " s"));
                    yield exited ? 0 : 1;
                }
                case STOP -> print(sent + ", paused");
                case CONT -> print(sent + ", resumed");
            };
        }

        private int print(String line) {
            spec.commandLine().getOut().println(line);
            return 0;
        }
    }
}
