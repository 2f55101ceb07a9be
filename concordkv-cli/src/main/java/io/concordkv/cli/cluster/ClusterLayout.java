package io.concordkv.cli.cluster;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Where the members of a local cluster of {@code nodes} members live: names {@code n1..nN}; for
 * member {@code i} (from 0) client port {@code base+10i}, peer port {@code base+10i+1}, HTTP port
 * {@code base+10i+2}, all on 127.0.0.1; data in {@code DIR/nI}, log {@code DIR/nI.log}, standard
 * output and error {@code DIR/nI.out}. Immutable.
 *
 * @param dir the cluster's directory
 * @param nodes how many members
 * @param basePort the client port of n1
 */
record ClusterLayout(Path dir, int nodes, int basePort) {
    static final String HOST = "127.0.0.1";
    static final int MAX_NODES = 9;
    static final int PORT_STRIDE = 10;

    /** The flags the layout sets, which extra server flags may not repeat. */
    static final Set<String> OWN_FLAGS = Set.of("--name", "--data-dir", "--listen-client", "--listen-peer",
        "--listen-http", "--initial-cluster", "--log-file", "--config");

    ClusterLayout {
        if (nodes < 1 || nodes > MAX_NODES) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "--nodes must be 1.." + MAX_NODES + ", not " + nodes);
        }
        int last = PORT_STRIDE * (nodes - 1) + 2;
        if (basePort < 1024 || basePort + last > 65535) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "--base-port " + basePort + " leaves no room for "
                + nodes + " members (ports base .. base+" + last + " must lie in 1024..65535)");
        }
        dir = dir.toAbsolutePath().normalize();
    }

    static String name(int index) {
        return "n" + (index + 1);
    }

    int clientPort(int index) {
        return basePort + PORT_STRIDE * index;
    }

    /** Every port the members will listen on. */
    List<Integer> ports() {
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            ports.addAll(List.of(clientPort(i), clientPort(i) + 1, clientPort(i) + 2));
        }
        return ports;
    }

    /** etcd's {@code --initial-cluster}: {@code n1=127.0.0.1:peer1,...}. */
    String initialCluster() {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            parts.add(name(i) + "=" + HOST + ":" + (clientPort(i) + 1));
        }
        return String.join(",", parts);
    }

    /**
     * The members, not yet started (pid 0), each run as {@code launcher server <its flags>
     * <serverFlags>}.
     *
     * @param launcher java, its options, the classpath and the CLI's main class
     * @param serverFlags flags added to every member's command line; none may be one of {@link #OWN_FLAGS}
     */
    List<MemberState> members(List<String> launcher, List<String> serverFlags) {
        checkExtraFlags(serverFlags);
        List<MemberState> members = new ArrayList<>();
        for (int i = 0; i < nodes; i++) {
            String name = name(i);
            int client = clientPort(i);
            Path data = dir.resolve(name);
            Path log = dir.resolve(name + ".log");
            List<String> command = new ArrayList<>(launcher);
            command.addAll(List.of("server", "--name", name, "--data-dir", data.toString(),
                "--listen-client", HOST + ":" + client, "--listen-peer", HOST + ":" + (client + 1),
                "--listen-http", HOST + ":" + (client + 2), "--initial-cluster", initialCluster(),
                "--log-file", log.toString()));
            command.addAll(serverFlags);
            members.add(new MemberState(name, 0, 0, HOST, client, client + 1, client + 2, data.toString(),
                log.toString(), dir.resolve(name + ".out").toString(), command));
        }
        return members;
    }

    private static void checkExtraFlags(List<String> serverFlags) {
        Set<String> clashes = serverFlags.stream().map(f -> f.split("=", 2)[0]).filter(OWN_FLAGS::contains)
            .collect(Collectors.toCollection(TreeSet::new));
        if (!clashes.isEmpty()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "cluster start sets " + clashes
                + " itself; leave them out of the extra server flags");
        }
    }
}
