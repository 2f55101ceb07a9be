package io.concordkv.server.etcd;

import io.concordkv.server.service.KvService;
import io.concordkv.server.service.Replication;
import io.concordkv.server.service.TxnChecks;
import io.grpc.ServerServiceDefinition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The etcd v3 API's gRPC services (KV, Watch, Lease with LeaseLeases, Maintenance, Cluster) over a
 * {@link KvService}, to be served by a gRPC endpoint. Owns the executor that sends watch events.
 */
public final class EtcdServices implements AutoCloseable {
    private final List<ServerServiceDefinition> definitions;
    /** etcd sends progress notifications every 10 minutes. */
    public static final Duration DEFAULT_PROGRESS_INTERVAL = Duration.ofMinutes(10);

    private final ExecutorService watchSenders;
    private final ScheduledExecutorService progress;

    /**
     * @param name this member's name, {@code clientUrls} its client URLs (for MemberList)
     * @param defragment what Defragment does (compact the store's log)
     */
    public EtcdServices(KvService service, String name, List<String> clientUrls, Runnable defragment) {
        this(service, name, clientUrls, defragment, DEFAULT_PROGRESS_INTERVAL);
    }

    /** @param progressInterval how often watchers that asked for progress notifications get one */
    public EtcdServices(KvService service, String name, List<String> clientUrls, Runnable defragment,
                        Duration progressInterval) {
        this(service, Replication.standalone(new Replication.MemberView(service.status().memberId(), name, List.of(),
            clientUrls, false)), defragment, progressInterval, TxnChecks.DEFAULT_MAX_OPS);
    }

    /**
     * @param replication what MemberList reports and what membership calls and MoveLeader change
     * @param maxTxnOps the most compares or operations per branch of a {@code Txn} ({@link TxnChecks})
     */
    public EtcdServices(KvService service, Replication replication, Runnable defragment,
                        Duration progressInterval, int maxTxnOps) {
        Headers headers = new Headers(service, replication);
        this.watchSenders = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "concordkv-watch-send");
            t.setDaemon(true);
            return t;
        });
        this.progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "concordkv-watch-progress");
            t.setDaemon(true);
            return t;
        });
        this.definitions = List.of(
            new EtcdKvService(service, headers, maxTxnOps).bindService(),
            new EtcdWatchService(service.watches(), headers, watchSenders, progress, progressInterval).bindService(),
            LeaseLeasesMethod.addTo(new EtcdLeaseService(service, headers).bindService(), service, headers),
            new EtcdMaintenanceService(service, headers, defragment, replication).bindService(),
            clusterService(new EtcdClusterService(headers, replication)),
            new EtcdAuthService(headers).bindService());
    }

    private static ServerServiceDefinition clusterService(EtcdClusterService cluster) {
        return MemberPromoteMethod.addTo(cluster.bindService(), cluster);
    }

    public List<ServerServiceDefinition> definitions() {
        return definitions;
    }

    @Override
    public void close() {
        progress.shutdownNow();
        watchSenders.shutdownNow();
    }
}
