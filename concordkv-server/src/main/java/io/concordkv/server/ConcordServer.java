package io.concordkv.server;

import io.concordkv.server.etcd.EtcdServices;
import io.concordkv.server.grpc.ConnectionOwners;
import io.concordkv.server.grpc.GrpcEndpoint;
import io.concordkv.server.grpc.TransactionsService;
import io.concordkv.server.http.RestServer;
import io.concordkv.server.metrics.GrpcRequestMetrics;
import io.concordkv.server.metrics.ServerMetrics;
import io.concordkv.server.service.StandaloneKvService;
import io.concordkv.server.service.TxnSessions;
import io.concordkv.storage.EngineLimits;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStore;
import io.grpc.ServerServiceDefinition;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import io.concordkv.server.cluster.ClusterLayout;
import io.concordkv.server.service.Replication;
import io.concordkv.storage.FsyncPolicy;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running single-node server: the MVCC store in the data directory, the node's key-value
 * service, interactive transaction sessions, metrics, the gRPC endpoint (the etcd v3 API and
 * ConcordKV's Transactions service) and the REST/admin HTTP endpoint. The composition root:
 * {@link #start} builds everything in order and {@link #close} takes it down in reverse. Fails
 * fast (before serving anything) on a locked data directory or a busy port.
 */
public final class ConcordServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConcordServer.class);

    private final ServerConfig config;
    private final StandaloneKvService service;
    private final TxnSessions sessions;
    private final GrpcEndpoint grpc;
    private final RestServer rest;
    private final List<AutoCloseable> parts;

    private ConcordServer(ServerConfig config, StandaloneKvService service, TxnSessions sessions, GrpcEndpoint grpc,
                          RestServer rest, List<AutoCloseable> parts) {
        this.config = config;
        this.service = service;
        this.sessions = sessions;
        this.grpc = grpc;
        this.rest = rest;
        this.parts = parts;
    }

    public static ConcordServer start(ServerConfig config) {
        LOG.info("starting with effective config {}", config.describe());
        StoreOptions storeOptions = StoreOptions.defaults(config.engine()).withFsync(config.fsync())
            .withLimits(new EngineLimits(config.maxKeyBytes(), config.maxValueBytes(), 4L * config.maxRequestBytes()));
        List<AutoCloseable> parts = new ArrayList<>();
        try {
            String clientUrl = "http://" + config.listenClient().getHostString() + ":" + config.listenClient().getPort();
            boolean replicated = config.cluster().replicated();
            Path storeDir = replicated ? ClusterLayout.prepareStateDir(config.dataDir()) : config.dataDir();
            MvccStore store = MvccStore.open(storeDir, MvccOptions.defaults(replicated
                ? storeOptions.withFsync(FsyncPolicy.OFF) : storeOptions).withRetainRevisions(config.retainRevisions()));
            parts.add(store);
            long memberId = replicated ? ClusterLayout.selfId(config)
                : id(config.name() + "@" + config.dataDir().toAbsolutePath());
            Replication replication = replicated ? ClusterLayout.replication(config, List.of(clientUrl))
                : Replication.standalone(new Replication.MemberView(memberId, config.name(), List.of(),
                    List.of(clientUrl), false));
            StandaloneKvService.Identity identity = new StandaloneKvService.Identity(memberId,
                replicated ? ClusterLayout.clusterId(config) : id("cluster:" + config.name()), config.name());
            StandaloneKvService service = new StandaloneKvService(store, identity, Clock.systemUTC(),
                config.watchQueue(), Duration.ofMillis(100), replication);
            parts.add(service.replication());
            parts.add(service);
            TxnSessions sessions = new TxnSessions(service, Clock.systemUTC(), Duration.ofMillis(200));
            parts.add(sessions);
            ServerMetrics metrics = new ServerMetrics(config.name());
            parts.add(metrics);
            metrics.bind(store, service, sessions);
            EtcdServices etcd = new EtcdServices(service, service.replication(),
                () -> store.kvStore().compact(), Duration.ofMillis(config.watchProgressMillis()), config.maxTxnOps());
            parts.add(etcd);
            List<ServerServiceDefinition> services = new ArrayList<>(etcd.definitions());
            services.add(new TransactionsService(sessions).bindService());
            GrpcEndpoint grpc = GrpcEndpoint.start(config.listenClient(), config.grpcTransport().equals("lean"),
                config.maxRequestBytes(), services,
                new ConnectionOwners(sessions), new GrpcRequestMetrics(metrics));
            parts.add(grpc);
            RestServer rest = RestServer.start(service, sessions, config.listenHttp(), config.maxRequestBytes(),
                config.maxTxnOps(), RestServer.DEFAULT_WATCH_HEARTBEAT, Optional.of(metrics));
            parts.add(rest);
            LOG.info("serving the etcd v3 API on {}, REST on http://{}:{} (member {}, data in {})", clientUrl,
                config.listenHttp().getHostString(), rest.port(), Long.toHexString(memberId),
                config.dataDir().toAbsolutePath());
            return new ConcordServer(config, service, sessions, grpc, rest, parts);
        } catch (RuntimeException e) {
            closeAll(parts);
            throw e;
        }
    }

    /** A stable positive id from a name (members keep their id across restarts). */
    private static long id(String name) {
        CRC32C a = new CRC32C();
        a.update(name.getBytes(StandardCharsets.UTF_8));
        long hi = a.getValue();
        long lo = UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8)).getLeastSignificantBits();
        return ((hi << 32) ^ lo) & Long.MAX_VALUE | 1;
    }

    /** Closes {@code parts} last to first (endpoints before the store they serve). */
    private static void closeAll(List<AutoCloseable> parts) {
        for (int i = parts.size() - 1; i >= 0; i--) {
            try {
                parts.get(i).close();
            } catch (Exception e) {
                LOG.warn("closing {} failed: {}", parts.get(i), e.toString());
            }
        }
    }

    public int grpcPort() {
        return grpc.port();
    }

    public int httpPort() {
        return rest.port();
    }

    public ServerConfig config() {
        return config;
    }

    public TxnSessions sessions() {
        return sessions;
    }

    public StandaloneKvService service() {
        return service;
    }

    @Override
    public void close() {
        LOG.info("shutting down");
        closeAll(parts);
        LOG.info("stopped");
    }
}
