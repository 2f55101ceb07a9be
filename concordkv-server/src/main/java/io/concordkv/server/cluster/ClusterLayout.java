package io.concordkv.server.cluster;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.node.Member;
import io.concordkv.raft.node.RaftNodeOptions;
import io.concordkv.server.ServerConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

/**
 * Where a cluster member keeps what: {@code <data-dir>/raft} the Raft log and snapshots (the
 * durable truth), {@code <data-dir>/state} the store the log is applied to, rebuilt at every start.
 */
public final class ClusterLayout {
    private ClusterLayout() {
    }

    /** Empties (or creates) the state directory and returns it. */
    public static Path prepareStateDir(Path dataDir) {
        Path state = dataDir.resolve("state");
        try {
            if (Files.exists(state)) {
                try (Stream<Path> all = Files.walk(state)) {
                    for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(state);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + state, e);
        }
        return state;
    }

    public static long clusterId(ServerConfig config) {
        CRC32C c = new CRC32C();
        c.update(("cluster:" + config.cluster().token()).getBytes(StandardCharsets.UTF_8));
        return c.getValue() | 1;
    }

    /** This member's id: from its address in {@code --initial-cluster}. */
    public static long selfId(ServerConfig config) {
        return self(config, InitialCluster.parse(config.cluster().initialCluster())).id();
    }

    private static Member self(ServerConfig config, List<Member> initial) {
        return initial.stream().filter(m -> m.name().equals(config.name())).findFirst()
            .orElseThrow(() -> new KvException(ErrorCode.INVALID_ARGUMENT, "--name " + config.name()
                + " is not one of the members in --initial-cluster " + config.cluster().initialCluster()));
    }

    public static RaftReplication replication(ServerConfig config, List<String> clientUrls) {
        List<Member> initial = InitialCluster.parse(config.cluster().initialCluster());
        Member self = self(config, initial);
        // the address in --initial-cluster is the one peers dial (advertised); --listen-peer is where we listen
        RaftNodeOptions options = RaftNodeOptions.defaults(config.dataDir().resolve("raft")).withSnapshotEntries(config.cluster().snapshotCount())
            .withLeaseReads(config.cluster().leaseReads()).withListen(config.cluster().listenPeer());
        return new RaftReplication(self.withClientUrls(String.join(",", clientUrls)),
            initial, !config.cluster().joinExisting(), clusterId(config), options, clientUrls);
    }
}
