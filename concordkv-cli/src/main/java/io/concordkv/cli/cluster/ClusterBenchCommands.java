package io.concordkv.cli.cluster;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Cluster measurements on a local cluster ({@code cluster start}): failover (kill -9 of the leader
 * to the first acknowledged write, through the surviving members) and the catch-up of a member
 * restarted after missing many writes. Every loop is bounded in count and time.
 */
final class ClusterBenchCommands {
    private ClusterBenchCommands() {
    }

    /** A channel per member, closed together. */
    private static final class Channels implements AutoCloseable {
        final List<ManagedChannel> all = new ArrayList<>();
        final List<MemberState> members;

        Channels(ClusterState state) {
            this.members = state.members();
            for (MemberState m : members) {
                all.add(NettyChannelBuilder.forTarget(m.clientEndpoint()).usePlaintext().build());
            }
        }

        Optional<StatusResponse> status(int i) {
            try {
                return Optional.of(MaintenanceGrpc.newBlockingStub(all.get(i)).withDeadlineAfter(500,
                    TimeUnit.MILLISECONDS).status(StatusRequest.getDefaultInstance()));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }

        int leader(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                for (int i = 0; i < all.size(); i++) {
                    Optional<StatusResponse> s = status(i);
                    if (s.isPresent() && s.get().getLeader() == s.get().getHeader().getMemberId()) {
                        return i;
                    }
                }
                sleep(20);
            }
            throw new IllegalStateException("no leader within " + timeout);
        }

        boolean put(int i, String key, long deadlineMillis) {
            try {
                KVGrpc.newBlockingStub(all.get(i)).withDeadlineAfter(deadlineMillis, TimeUnit.MILLISECONDS)
                    .put(PutRequest.newBuilder().setKey(ByteString.copyFromUtf8(key))
                        .setValue(ByteString.copyFromUtf8("v")).build());
                return true;
            } catch (RuntimeException e) {
                return false;
            }
        }

        @Override
        public void close() {
            all.forEach(ManagedChannel::shutdownNow);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static void restart(Path dir, String name, PrintWriter out, PrintWriter err) {
        int rc = io.concordkv.cli.Main.run(out, err, "cluster", "restart-member", "--dir", dir.toString(), "--name", name);
        if (rc != 0) {
            throw new IllegalStateException("restarting " + name + " failed");
        }
    }

    /** Signals the member; returns its process, which may not have exited yet. */
    private static ProcessHandle signal(MemberState m, MemberProcesses.Signal signal) {
        ProcessHandle p = MemberProcesses.running(m).orElseThrow(() -> new IllegalStateException(m.name() + " is down"));
        MemberProcesses.signal(p, signal);
        return p;
    }

    private static void kill(MemberState m, MemberProcesses.Signal signal) {
        MemberProcesses.awaitExit(signal(m, signal), Duration.ofSeconds(30));
    }

    /** {@code concordkv cluster bench-failover}. */
    @Command(name = "bench-failover", mixinStandardHelpOptions = true,
        description = "Kill -9 the leader N times; report the time to the first acknowledged write after each kill.")
    static final class Failover implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, description = "the cluster's directory (cluster start --dir)")
        Path dir;

        @Option(names = "--trials", defaultValue = "10", description = "kills (default ${DEFAULT-VALUE})")
        int trials;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            List<Long> millis = new ArrayList<>();
            for (int t = 0; t < trials; t++) {
                ClusterState state = ClusterState.require(dir);
                try (Channels ch = new Channels(state)) {
                    int leader = ch.leader(Duration.ofSeconds(10));
                    long start = System.nanoTime();
                    // write at once: waiting for the exit of a process that is not our child polls slowly
                    ProcessHandle killed = signal(state.members().get(leader), MemberProcesses.Signal.KILL);
                    long end = firstWrite(ch, leader, start, t);
                    MemberProcesses.awaitExit(killed, Duration.ofSeconds(30));
                    millis.add((end - start) / 1_000_000);
                    out.printf("trial %d: killed %s, first write after %d ms%n", t + 1,
                        state.members().get(leader).name(), millis.get(t));
                    restart(dir, state.members().get(leader).name(), new PrintWriter(PrintWriter.nullWriter()),
                        spec.commandLine().getErr());
                }
            }
            List<Long> sorted = new ArrayList<>(millis);
            sorted.sort(null);
            out.printf("{\"bench\":\"failover\",\"trials\":%d,\"median_ms\":%d,\"min_ms\":%d,\"max_ms\":%d,"
                + "\"all_ms\":%s}%n", trials, sorted.get(sorted.size() / 2), sorted.get(0), sorted.get(sorted.size() - 1),
                millis);
            return 0;
        }

        /** Writes through the surviving members until one is acknowledged (bounded by 30 s). */
        private static long firstWrite(Channels ch, int dead, long start, int trial) {
            long deadline = start + TimeUnit.SECONDS.toNanos(30);
            int n = 0;
            while (System.nanoTime() < deadline) {
                int target = (dead + 1 + (n % (ch.all.size() - 1))) % ch.all.size();
                if (ch.put(target, "failover-" + trial + "-" + n++, 100)) {
                    return System.nanoTime();
                }
            }
            throw new IllegalStateException("no write acknowledged within 30 s of the kill");
        }
    }

    /** {@code concordkv cluster bench-catchup}. */
    @Command(name = "bench-catchup", mixinStandardHelpOptions = true,
        description = "Stop a follower, write N keys, restart it; report how long it takes to apply them all.")
    static final class Catchup implements Callable<Integer> {
        @Spec
        CommandLine.Model.CommandSpec spec;

        @Option(names = "--dir", required = true, description = "the cluster's directory (cluster start --dir)")
        Path dir;

        @Option(names = "--writes", defaultValue = "100000", description = "writes missed (default ${DEFAULT-VALUE})")
        int writes;

        @Override
        public Integer call() throws InterruptedException {
            PrintWriter out = spec.commandLine().getOut();
            ClusterState state = ClusterState.require(dir);
            try (Channels ch = new Channels(state)) {
                int leader = ch.leader(Duration.ofSeconds(10));
                int follower = (leader + 1) % ch.all.size();
                MemberState f = state.members().get(follower);
                kill(f, MemberProcesses.Signal.TERM);
                long written = writeMany(ch, leader, writes);
                long target = ch.status(leader).orElseThrow().getRaftIndex();
                long start = System.nanoTime();
                restart(dir, f.name(), new PrintWriter(PrintWriter.nullWriter()), spec.commandLine().getErr());
                long deadline = start + TimeUnit.MINUTES.toNanos(10);
                while (System.nanoTime() < deadline) {
                    Optional<StatusResponse> s = ch.status(follower);
                    if (s.isPresent() && s.get().getRaftIndex() >= target) {
                        long ms = (System.nanoTime() - start) / 1_000_000;
                        out.printf("{\"bench\":\"catchup\",\"writes_missed\":%d,\"target_index\":%d,"
                            + "\"restart_to_caught_up_ms\":%d}%n", written, target, ms);
                        return 0;
                    }
                    sleep(50);
                }
                throw new IllegalStateException(f.name() + " did not catch up within 10 minutes");
            }
        }

        /** {@code n} puts to the leader, 128 in flight. */
        private static long writeMany(Channels ch, int leader, int n) throws InterruptedException {
            Semaphore inFlight = new Semaphore(128);
            AtomicLong ok = new AtomicLong();
            KVGrpc.KVStub kv = KVGrpc.newStub(ch.all.get(leader));
            ByteString value = ByteString.copyFrom(new byte[256]);
            for (int i = 0; i < n; i++) {
                inFlight.acquire();
                kv.withDeadlineAfter(30, TimeUnit.SECONDS).put(PutRequest.newBuilder()
                    .setKey(ByteString.copyFromUtf8("catchup-" + i)).setValue(value).build(),
                    new io.grpc.stub.StreamObserver<>() {
                        @Override
                        public void onNext(io.etcd.jetcd.api.PutResponse r) {
                            ok.incrementAndGet();
                        }

                        @Override
                        public void onError(Throwable t) {
                            inFlight.release();
                        }

                        @Override
                        public void onCompleted() {
                            inFlight.release();
                        }
                    });
            }
            inFlight.acquire(128);
            return ok.get();
        }
    }
}
