package io.concordkv.server;

import io.concordkv.storage.EngineLimits;
import io.concordkv.storage.StoreOptions;
import io.concordkv.server.etcd.EtcdServices;
import io.concordkv.server.grpc.ConnectionOwners;
import io.concordkv.server.grpc.GrpcEndpoint;
import io.concordkv.server.grpc.TransactionsService;
import io.concordkv.server.service.TxnSessions;
import io.grpc.ServerServiceDefinition;
import io.concordkv.server.service.StandaloneKvService;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStore;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running single-node server: the MVCC store in the data directory, the node's key-value
 * service, interactive transaction sessions, and the gRPC endpoint with the etcd v3 API and
 * ConcordKV's Transactions service. The composition root: {@link #start} builds everything in
 * order and {@link #close} takes it down in reverse. Fails fast (before serving anything) on a
 * locked data directory or a busy port.
 */
public final class ConcordServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ConcordServer.class);

    private final ServerConfig config;
    private final MvccStore store;
    private final StandaloneKvService service;
    private final TxnSessions sessions;
    private final EtcdServices etcd;
    private final GrpcEndpoint grpc;

    private ConcordServer(ServerConfig config, MvccStore store, StandaloneKvService service, TxnSessions sessions,
                          EtcdServices etcd, GrpcEndpoint grpc) {
        this.config = config;
        this.store = store;
        this.service = service;
        this.sessions = sessions;
        this.etcd = etcd;
        this.grpc = grpc;
    }

    public static ConcordServer start(ServerConfig config) {
        LOG.info("starting with effective config {}", config.describe());
        StoreOptions storeOptions = StoreOptions.defaults(config.engine()).withFsync(config.fsync())
            .withLimits(new EngineLimits(config.maxKeyBytes(), config.maxValueBytes(), 4L * config.maxRequestBytes()));
        MvccStore store = MvccStore.open(config.dataDir(),
            MvccOptions.defaults(storeOptions).withRetainRevisions(config.retainRevisions()));
        List<AutoCloseable> started = new ArrayList<>();
        try {
            long memberId = id(config.name() + "@" + config.dataDir().toAbsolutePath());
            StandaloneKvService service = new StandaloneKvService(store, new StandaloneKvService.Identity(memberId,
                id("cluster:" + config.name()), config.name()), Clock.systemUTC(), config.watchQueue(),
                Duration.ofMillis(100));
            started.add(service);
            TxnSessions sessions = new TxnSessions(service, Clock.systemUTC(), Duration.ofMillis(200));
            started.add(sessions);
            String clientUrl = "http://" + config.listenClient().getHostString() + ":" + config.listenClient().getPort();
            EtcdServices etcd = new EtcdServices(service, config.name(), List.of(clientUrl),
                () -> store.kvStore().compact());
            started.add(etcd);
            List<ServerServiceDefinition> services = new ArrayList<>(etcd.definitions());
            services.add(new TransactionsService(sessions).bindService());
            GrpcEndpoint grpc = GrpcEndpoint.start(config.listenClient(), config.maxRequestBytes(), services,
                new ConnectionOwners(sessions));
            LOG.info("serving the etcd v3 API on {} (member {}, data in {})", clientUrl,
                Long.toHexString(memberId), config.dataDir().toAbsolutePath());
            return new ConcordServer(config, store, service, sessions, etcd, grpc);
        } catch (RuntimeException e) {
            Collections.reverse(started);
            started.forEach(ConcordServer::closeQuietly);
            store.close();
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

    public int grpcPort() {
        return grpc.port();
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

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", c, e.toString());
        }
    }

    @Override
    public void close() {
        LOG.info("shutting down");
        grpc.close();
        etcd.close();
        sessions.close();
        service.close();
        store.close();
        LOG.info("stopped");
    }
}
