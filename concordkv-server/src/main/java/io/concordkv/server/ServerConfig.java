package io.concordkv.server;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.FsyncPolicy;
import java.io.IOException;
import java.io.Reader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * A server's configuration. Every setting has a flag name ({@code data-dir}, ...), which is also
 * its key in a config file (Java properties) and, upper-cased with {@code CONCORDKV_} in front and
 * dashes as underscores, its environment variable ({@code CONCORDKV_DATA_DIR}). Precedence:
 * defaults, then the file, then the environment, then flags.
 *
 * @param dataDir where the data lives (default {@code ./data})
 * @param name this member's name (default {@code default})
 * @param listenClient the etcd gRPC address (default 127.0.0.1:2379)
 * @param listenHttp the REST/admin HTTP address (default 127.0.0.1:8080)
 * @param grpcTransport what serves gRPC: {@code lean} (default: ConcordKV's own HTTP/2 transport,
 *     {@link io.concordkv.server.grpc.LeanGrpcServer}) or {@code grpc-java} (grpc-java's Netty server)
 * @param engine the storage engine (default {@code rbtree})
 * @param fsync the fsync policy (default {@code always}: every acknowledged write is on disk, as etcd)
 * @param maxKeyBytes, maxValueBytes, maxRequestBytes size limits (64 KiB, 1.5 MiB, 2 MiB as etcd's request limit)
 * @param maxTxnOps the most compares or operations per branch of a conditional transaction (128, as etcd's {@code --max-txn-ops})
 * @param watchQueue events queued per watcher before it falls behind and is caught up from history
 * @param retainRevisions revisions of history automatic compaction keeps (default 100,000; 0 turns it off)
 * @param watchProgressMillis how often watchers that asked for progress notifications get one (default 10 min, as etcd)
 * @param logFormat {@code json} (default: one JSON object per line) or {@code text}
 * @param logFile where the log goes; empty (default) for standard error
 * @param logMaxBytes a log file rolls over at this size (default 64 MiB)
 * @param logMaxFiles rolled-over log files kept (default 5)
 * @param cluster replication settings: {@code initial-cluster} ({@code name=host:port,...}, empty
 *     (default) for a single node without Raft), {@code listen-peer} (default 127.0.0.1:2380),
 *     {@code initial-cluster-token} (default {@code concordkv}), {@code lease-reads} (default false), {@code initial-cluster-state} ({@code new}
 *     (default): bootstrap the listed members; {@code existing}: join a running cluster that added
 *     this member with MemberAdd), {@code snapshot-count} (applied entries between
 *     snapshots of the store, after which the Raft log is purged; default 100,000 as etcd)
 */
public record ServerConfig(Path dataDir, String name, InetSocketAddress listenClient, InetSocketAddress listenHttp,
                           String grpcTransport, String engine, FsyncPolicy fsync, int maxKeyBytes, int maxValueBytes, int maxRequestBytes,
                           int maxTxnOps, int watchQueue, long retainRevisions, long watchProgressMillis, String logFormat, String logFile, long logMaxBytes,
                           int logMaxFiles, Cluster cluster) {
    /** Replication settings; {@link #replicated()} is false without an initial cluster. */
    public record Cluster(String initialCluster, InetSocketAddress listenPeer, String token, boolean leaseReads,
                          boolean joinExisting, long snapshotCount) {
        public boolean replicated() {
            return !initialCluster.isBlank();
        }
    }

    /** Every setting's flag name and default, in the order the effective config is logged. */
    public static final Map<String, String> DEFAULTS = defaults();

    private static Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data-dir", "./data");
        d.put("name", "default");
        d.put("listen-client", "127.0.0.1:2379");
        d.put("listen-http", "127.0.0.1:8080");
        d.put("grpc-transport", "lean");
        d.put("engine", "rbtree");
        d.put("fsync", "always");
        d.put("max-key-bytes", "65536");
        d.put("max-value-bytes", "1572864");
        d.put("max-request-bytes", "2097152");
        d.put("max-txn-ops", "128");
        d.put("watch-queue", "10000");
        d.put("retain-revisions", "100000");
        d.put("watch-progress-ms", "600000");
        d.put("log-format", "json");
        d.put("log-file", "");
        d.put("log-max-bytes", "67108864");
        d.put("log-max-files", "5");
        d.put("initial-cluster", "");
        d.put("listen-peer", "127.0.0.1:2380");
        d.put("initial-cluster-token", "concordkv");
        d.put("lease-reads", "false");
        d.put("initial-cluster-state", "new");
        d.put("snapshot-count", "100000");
        return java.util.Collections.unmodifiableMap(d);
    }

    /**
     * Resolves the configuration from a config file (optional), the environment and flags.
     *
     * @throws KvException {@code INVALID_ARGUMENT} naming the setting that is unknown or malformed
     */
    public static ServerConfig resolve(Optional<Path> file, Map<String, String> env, Map<String, String> flags) {
        Map<String, String> v = new LinkedHashMap<>(DEFAULTS);
        file.ifPresent(f -> readFile(f).forEach((k, val) -> set(v, k, val, "config file " + f)));
        for (String key : DEFAULTS.keySet()) {
            String envName = "CONCORDKV_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
            if (env.containsKey(envName)) {
                v.put(key, env.get(envName));
            }
        }
        flags.forEach((k, val) -> set(v, k, val, "flag"));
        return fromMap(v);
    }

    private static void set(Map<String, String> v, String key, String value, String source) {
        if (!DEFAULTS.containsKey(key)) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "unknown setting '" + key + "' in " + source
                + "; known: " + DEFAULTS.keySet());
        }
        v.put(key, value.trim());
    }

    private static Map<String, String> readFile(Path f) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(f)) {
            p.load(r);
        } catch (IOException e) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "cannot read config file " + f + ": " + e.getMessage());
        }
        Map<String, String> out = new LinkedHashMap<>();
        p.stringPropertyNames().forEach(k -> out.put(k, p.getProperty(k)));
        return out;
    }

    private static ServerConfig fromMap(Map<String, String> v) {
        return new ServerConfig(Path.of(v.get("data-dir")), v.get("name"), address(v, "listen-client"),
            address(v, "listen-http"), grpcTransport(v.get("grpc-transport")), v.get("engine"), fsync(v.get("fsync")), integer(v, "max-key-bytes"),
            integer(v, "max-value-bytes"), integer(v, "max-request-bytes"), integer(v, "max-txn-ops"), integer(v, "watch-queue"),
            Long.parseLong(number(v, "retain-revisions")), integer(v, "watch-progress-ms"), logFormat(v.get("log-format")), v.get("log-file"),
            Long.parseLong(number(v, "log-max-bytes")), integer(v, "log-max-files"),
            new Cluster(v.get("initial-cluster"), address(v, "listen-peer"), v.get("initial-cluster-token"),
                bool(v, "lease-reads"), clusterState(v.get("initial-cluster-state")),
                integer(v, "snapshot-count")));
    }

    private static String grpcTransport(String s) {
        if (!s.equals("lean") && !s.equals("grpc-java")) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "grpc-transport must be lean or grpc-java, got '" + s + "'");
        }
        return s;
    }

    private static boolean clusterState(String s) {
        if (!s.equals("new") && !s.equals("existing")) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "initial-cluster-state must be new or existing, got '"
                + s + "'");
        }
        return s.equals("existing");
    }

    private static boolean bool(Map<String, String> v, String key) {
        String s = v.get(key);
        if (!s.equals("true") && !s.equals("false")) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, key + " must be true or false, got '" + s + "'");
        }
        return Boolean.parseBoolean(s);
    }

    private static String logFormat(String s) {
        if (!s.equals("json") && !s.equals("text")) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "log-format must be json or text, got '" + s + "'");
        }
        return s;
    }

    private static FsyncPolicy fsync(String s) {
        if (s.equalsIgnoreCase("off")) {
            // OFF (no log at all) is only for a cluster member's store, whose log is the Raft log
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "fsync must be always, batch or never, got '" + s + "'");
        }
        try {
            return FsyncPolicy.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "fsync must be always, batch or never, got '" + s + "'");
        }
    }

    private static String number(Map<String, String> v, String key) {
        String s = v.get(key);
        if (!s.matches("\\d{1,18}")) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, key + " must be a non-negative number, got '" + s + "'");
        }
        return s;
    }

    private static int integer(Map<String, String> v, String key) {
        long n = Long.parseLong(number(v, key));
        if (n < 1 || n > Integer.MAX_VALUE) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, key + " must be between 1 and " + Integer.MAX_VALUE);
        }
        return (int) n;
    }

    private static InetSocketAddress address(Map<String, String> v, String key) {
        String s = v.get(key).replaceFirst("^https?://", "");
        int colon = s.lastIndexOf(':');
        if (colon <= 0 || !s.substring(colon + 1).matches("\\d{1,5}")) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, key + " must be host:port, got '" + v.get(key) + "'");
        }
        return new InetSocketAddress(s.substring(0, colon), Integer.parseInt(s.substring(colon + 1)));
    }

    /** The effective configuration as flag name to value, for the start-up log line. */
    public Map<String, String> describe() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("data-dir", dataDir.toString());
        d.put("name", name);
        d.put("listen-client", listenClient.getHostString() + ":" + listenClient.getPort());
        d.put("listen-http", listenHttp.getHostString() + ":" + listenHttp.getPort());
        d.put("grpc-transport", grpcTransport);
        d.put("engine", engine);
        d.put("fsync", fsync.name().toLowerCase(Locale.ROOT));
        d.put("max-key-bytes", Integer.toString(maxKeyBytes));
        d.put("max-value-bytes", Integer.toString(maxValueBytes));
        d.put("max-request-bytes", Integer.toString(maxRequestBytes));
        d.put("max-txn-ops", Integer.toString(maxTxnOps));
        d.put("watch-queue", Integer.toString(watchQueue));
        d.put("retain-revisions", Long.toString(retainRevisions));
        d.put("watch-progress-ms", Long.toString(watchProgressMillis));
        d.put("log-format", logFormat);
        d.put("log-file", logFile);
        d.put("log-max-bytes", Long.toString(logMaxBytes));
        d.put("log-max-files", Integer.toString(logMaxFiles));
        d.put("initial-cluster", cluster.initialCluster());
        d.put("listen-peer", cluster.listenPeer().getHostString() + ":" + cluster.listenPeer().getPort());
        d.put("initial-cluster-token", cluster.token());
        d.put("lease-reads", Boolean.toString(cluster.leaseReads()));
        d.put("initial-cluster-state", cluster.joinExisting() ? "existing" : "new");
        d.put("snapshot-count", Long.toString(cluster.snapshotCount()));
        return d;
    }
}
