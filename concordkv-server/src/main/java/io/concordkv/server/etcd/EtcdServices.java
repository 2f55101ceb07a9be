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

    private final ExecutorService watchSenders;
    private final ScheduledExecutorService progress;

    /**
     * @param replication what MemberList reports and what membership calls and MoveLeader change
     * @param defragment what Defragment does (compact the store's log)
     * @param progressInterval how often watchers that asked for progress notifications get one
     *     (etcd: every 10 minutes)
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
