package io.concordkv.cli.cluster;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code concordkv cluster start}: starts the members of {@link ClusterLayout} as background
 * processes, records them in {@code cluster.json}, and waits until each serves. If one does not,
 * stops them all and shows that member's log.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
    description = {"Start a local cluster of --nodes members n1..nN in --dir, each a 'concordkv server' process.",
        "Member i (from 0) listens on 127.0.0.1: client base+10i, peer base+10i+1, HTTP base+10i+2.",
        "Flags after -- go to every member, e.g.: cluster start --dir c -- --lease-reads true"})
final class StartCommand implements Callable<Integer> {
    private static final Duration STOP_GRACE = Duration.ofSeconds(10);

    @Spec
    CommandSpec spec;

    @Option(names = "--dir", required = true, description = "the cluster's directory (created if missing)")
    Path dir;

    @Option(names = "--nodes", defaultValue = "3", description = "members (default ${DEFAULT-VALUE})")
    int nodes;

    @Option(names = "--base-port", defaultValue = "23790", description = "n1's client port (default ${DEFAULT-VALUE})")
    int basePort;

    @Option(names = "--engine", description = "storage engine of every member (default: the server's)")
    String engine;

    @Option(names = "--fsync", description = "always, batch or never for every member (default: the server's)")
    String fsync;

    @Option(names = "--jvm-opt", paramLabel = "OPTION",
        description = "a JVM option for every member, repeatable, e.g. --jvm-opt=-Xmx1g")
    List<String> jvmOptions = new ArrayList<>();

    @Option(names = "--timeout", defaultValue = "60s",
        description = "how long to wait for every member to serve (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Parameters(paramLabel = "SERVER_FLAG", description = "server flags for every member (after --)")
    List<String> serverFlags = new ArrayList<>();

    @Override
    public Integer call() {
        ClusterLayout layout = new ClusterLayout(dir, nodes, basePort);
        refuseExisting(layout);
        refusePortsInUse(layout.ports());
        try {
            Files.createDirectories(layout.dir());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + layout.dir(), e);
        }
        String mainClass = spec.root().userObject().getClass().getName();
        List<MemberState> planned = layout.members(MemberProcesses.launcher(jvmOptions, mainClass), extraFlags());
        List<MemberStartup.Started> started = new ArrayList<>();
        ClusterState state = ClusterState.of(planned);
        try {
            for (MemberState m : planned) {
                Process p = MemberProcesses.start(m);
                MemberState running = m.withProcess(p.pid(), MemberProcesses.startedAt(p.toHandle()));
                started.add(new MemberStartup.Started(running, p));
                state = state.with(running);
            }
        } catch (RuntimeException e) {
            MemberStartup.stopAll(started, STOP_GRACE);
            throw e;
        } finally {
            state.write(layout.dir());
        }
        Optional<MemberStartup.Failure> failure = MemberStartup.awaitReady(started, timeout);
        PrintWriter out = spec.commandLine().getOut();
        if (failure.isPresent()) {
            MemberStartup.report(failure.get(), spec.commandLine().getErr());
            MemberStartup.stopAll(started, STOP_GRACE);
            spec.commandLine().getErr().println("stopped the " + started.size() + " members started");
            return 1;
        }
        out.println("started " + nodes + " members in " + layout.dir() + " (state: "
            + layout.dir().resolve(ClusterState.FILE) + ")");
        print(state, out);
        return 0;
    }

    private List<String> extraFlags() {
        List<String> flags = new ArrayList<>();
        if (engine != null) {
            flags.addAll(List.of("--engine", engine));
        }
        if (fsync != null) {
            flags.addAll(List.of("--fsync", fsync));
        }
        flags.addAll(serverFlags);
        return flags;
    }

    /** Refuses a directory whose cluster runs, or was started with another shape (its data would not fit). */
    private static void refuseExisting(ClusterLayout layout) {
        Optional<ClusterState> old = ClusterState.read(layout.dir());
        if (old.isEmpty()) {
            return;
        }
        List<String> alive = old.get().members().stream().filter(m -> MemberProcesses.running(m).isPresent())
            .map(m -> m.name() + " (pid " + m.pid() + ")").toList();
        if (!alive.isEmpty()) {
            throw new KvException(ErrorCode.ALREADY_EXISTS, layout.dir() + " holds a running cluster: "
                + String.join(", ", alive) + "; stop it first: concordkv cluster stop --dir " + layout.dir());
        }
        List<MemberState> was = old.get().members();
        if (was.size() != layout.nodes() || was.get(0).clientPort() != layout.basePort()) {
            throw new KvException(ErrorCode.ALREADY_EXISTS, layout.dir() + " holds a stopped cluster of "
                + was.size() + " members from base port " + was.get(0).clientPort()
                + "; start it with those, or use another directory");
        }
    }

    private static void refusePortsInUse(List<Integer> ports) {
        List<Integer> busy = ports.stream().filter(p -> !free(p)).toList();
        if (!busy.isEmpty()) {
            throw new KvException(ErrorCode.ALREADY_EXISTS, "ports in use on " + ClusterLayout.HOST + ": " + busy
                + "; choose another --base-port");
        }
    }

    private static boolean free(int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(InetAddress.getByName(ClusterLayout.HOST), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The members' table, then the endpoints flag for etcdctl and this CLI. */
    static void print(ClusterState state, PrintWriter out) {
        TextTable table = new TextTable("NAME", "PID", "CLIENT", "PEER", "HTTP", "DATA", "LOG");
        for (MemberState m : state.members()) {
            table.row(m.name(), m.pid(), m.clientEndpoint(), m.peerAddress(), m.httpAddress(), m.dataDir(), m.logFile());
        }
        table.print(out);
        out.println("--endpoints=" + String.join(",", state.members().stream().map(MemberState::clientEndpoint).toList()));
    }
}
