package io.concordkv.cli;

import io.concordkv.server.ConcordServer;
import io.concordkv.server.ServerConfig;
import io.concordkv.server.logging.ServerLogging;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code concordkv server}: runs a single node until SIGTERM or SIGINT, which shut it down cleanly
 * (the JVM's shutdown hook closes the endpoints, then the store). Settings come from flags, a
 * config file and {@code CONCORDKV_*} environment variables ({@link ServerConfig}).
 */
@Command(name = "server", mixinStandardHelpOptions = true,
    description = {"Runs a ConcordKV node: the etcd v3 gRPC API on --listen-client.",
        "Every flag can also be set in the --config file (name=value) or as CONCORDKV_<NAME> in the environment;",
        "flags win over the environment, which wins over the file."})
final class ServerCommand implements Callable<Integer> {
    @Option(names = "--config", description = "a config file of name=value lines (Java properties)")
    Path configFile;

    @Option(names = "--data-dir", description = "data directory (default ./data)")
    String dataDir;

    @Option(names = "--name", description = "member name (default 'default')")
    String name;

    @Option(names = "--listen-client", description = "etcd gRPC address, host:port (default 127.0.0.1:2379)")
    String listenClient;

    @Option(names = "--listen-http", description = "REST/admin HTTP address, host:port (default 127.0.0.1:8080)")
    String listenHttp;

    @Option(names = "--grpc-transport", description = "what serves gRPC: lean (default: ConcordKV's own HTTP/2 "
        + "transport) or grpc-java (grpc-java's Netty server)")
    String grpcTransport;

    @Option(names = "--engine", description = "storage engine: array, rbtree, hash, lsm (default rbtree)")
    String engine;

    @Option(names = "--fsync", description = "always (default), batch or never")
    String fsync;

    @Option(names = "--max-key-bytes", description = "largest key (default 65536)")
    String maxKeyBytes;

    @Option(names = "--max-value-bytes", description = "largest value (default 1572864)")
    String maxValueBytes;

    @Option(names = "--max-request-bytes", description = "largest request (default 2097152)")
    String maxRequestBytes;

    @Option(names = "--max-txn-ops", description = "most compares or operations per branch of a txn (default 128, as etcd)")
    String maxTxnOps;

    @Option(names = "--watch-queue", description = "events queued per watcher before it is caught up from history (default 10000)")
    String watchQueue;

    @Option(names = "--retain-revisions", description = "history revisions kept by automatic compaction; 0 = off (default 100000)")
    String retainRevisions;

    @Option(names = "--watch-progress-ms", description = "progress notification interval for watchers that ask (default 600000)")
    String watchProgressMs;

    @Option(names = "--log-format", description = "json (default: one JSON object per line) or text")
    String logFormat;

    @Option(names = "--log-file", description = "log to this file, rolled over by size (default: standard error)")
    String logFile;

    @Option(names = "--log-max-bytes", description = "roll the log file over at this size (default 67108864)")
    String logMaxBytes;

    @Option(names = "--log-max-files", description = "rolled-over log files kept (default 5)")
    String logMaxFiles;

    @Option(names = "--initial-cluster", description = "name=host:peerPort,... of the initial members (etcd style); "
        + "empty (default): a single node without replication")
    String initialCluster;

    @Option(names = "--listen-peer", description = "address for Raft peer traffic (default 127.0.0.1:2380)")
    String listenPeer;

    @Option(names = "--initial-cluster-token", description = "cluster token; members of other clusters are refused")
    String clusterToken;

    @Option(names = "--lease-reads", description = "serve linearizable reads from the leader's lease (default false: ReadIndex)")
    String leaseReads;

    @Option(names = "--initial-cluster-state", description = "new (default: bootstrap the listed members) or "
        + "existing (join a running cluster that added this member)")
    String clusterState;

    @Option(names = "--snapshot-count", description = "applied entries between snapshots of a cluster member's store "
        + "(the Raft log is purged behind them; default 100000)")
    String snapshotCount;

    Map<String, String> flags() {
        Map<String, String> f = new LinkedHashMap<>();
        put(f, "data-dir", dataDir);
        put(f, "name", name);
        put(f, "listen-client", listenClient);
        put(f, "listen-http", listenHttp);
        put(f, "grpc-transport", grpcTransport);
        put(f, "engine", engine);
        put(f, "fsync", fsync);
        put(f, "max-key-bytes", maxKeyBytes);
        put(f, "max-value-bytes", maxValueBytes);
        put(f, "max-request-bytes", maxRequestBytes);
        put(f, "max-txn-ops", maxTxnOps);
        put(f, "watch-queue", watchQueue);
        put(f, "retain-revisions", retainRevisions);
        put(f, "watch-progress-ms", watchProgressMs);
        put(f, "log-format", logFormat);
        put(f, "log-file", logFile);
        put(f, "log-max-bytes", logMaxBytes);
        put(f, "log-max-files", logMaxFiles);
        put(f, "initial-cluster", initialCluster);
        put(f, "listen-peer", listenPeer);
        put(f, "initial-cluster-token", clusterToken);
        put(f, "lease-reads", leaseReads);
        put(f, "initial-cluster-state", clusterState);
        put(f, "snapshot-count", snapshotCount);
        return f;
    }

    private static void put(Map<String, String> f, String key, String value) {
        if (value != null) {
            f.put(key, value);
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        ServerConfig config = ServerConfig.resolve(Optional.ofNullable(configFile), System.getenv(), flags());
        ServerLogging.configure(config);
        ConcordServer server = ConcordServer.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stopped.countDown();
        }, "concordkv-shutdown"));
        stopped.await();
        return 0;
    }
}
