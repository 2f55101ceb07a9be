package io.concordkv.cli.cluster;

import io.concordkv.client.EndpointStatus;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Waits for just-started members to serve: each must answer etcd's Status on its client port and
 * name a leader (a Raft member answers before an election; it is ready once it knows a leader).
 * On failure reports which member, why, and the last lines of its log and output. Used by one thread.
 */
final class MemberStartup {
    private static final Duration POLL = Duration.ofMillis(100);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(1);
    private static final int TAIL_LINES = 30;

    /** A member and the process just started for it. */
    record Started(MemberState member, Process process) {
    }

    /** Why a member is not ready. */
    record Failure(MemberState member, String reason) {
    }

    private MemberStartup() {
    }

    /** Waits until every member is ready, or one exits, or {@code timeout} passes; the first failure. */
    static Optional<Failure> awaitReady(List<Started> started, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<Started> waiting = new ArrayList<>(started);
        List<MemberProbe> probes = new ArrayList<>();
        try {
            waiting.forEach(s -> probes.add(new MemberProbe(s.member().clientEndpoint(), PROBE_TIMEOUT)));
            while (true) {
                for (int i = waiting.size() - 1; i >= 0; i--) {
                    Started s = waiting.get(i);
                    if (!s.process().isAlive()) {
                        return Optional.of(new Failure(s.member(), "exited with status " + s.process().exitValue()
                            + " before it served"));
                    }
                    Optional<EndpointStatus> status = probes.get(i).statusNow();
                    if (status.isPresent() && status.get().leader() != 0) {
                        waiting.remove(i);
                        probes.remove(i).close();
                    }
                }
                if (waiting.isEmpty()) {
                    return Optional.empty();
                }
                if (System.nanoTime() - deadline > 0) {
                    Started s = waiting.get(0);
                    return Optional.of(new Failure(s.member(), "did not serve on " + s.member().clientEndpoint()
                        + " (with a known leader) within " + timeout.toSeconds() + " s"));
                }
                LockSupport.parkNanos(POLL.toNanos());
            }
        } finally {
            probes.forEach(MemberProbe::close);
        }
    }

    /** Prints the failure, then the last lines of the member's log and of its output. */
    static void report(Failure failure, PrintWriter err) {
        MemberState m = failure.member();
        err.println("Error: " + m.name() + " " + failure.reason());
        for (Path file : List.of(m.log(), m.out())) {
            List<String> lines = MemberProcesses.tail(file, TAIL_LINES);
            if (!lines.isEmpty()) {
                err.println("--- last " + lines.size() + " lines of " + file + " ---");
                lines.forEach(err::println);
            }
        }
    }

    /** Stops the started processes that still run (SIGTERM, SIGKILL after {@code grace}). */
    static void stopAll(List<Started> started, Duration grace) {
        started.stream().map(s -> s.process().toHandle()).filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroy);
        started.stream().map(s -> s.process().toHandle()).filter(ProcessHandle::isAlive)
            .forEach(p -> MemberProcesses.stop(p, grace));
    }
}
