package io.concordkv.server.etcd;

import io.concordkv.server.service.KvService;
import io.grpc.ServerServiceDefinition;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The etcd v3 API's gRPC services (KV, Watch, Lease with LeaseLeases, Maintenance, Cluster) over a
 * {@link KvService}, to be served by a gRPC endpoint. Owns the executor that sends watch events.
 */
public final class EtcdServices implements AutoCloseable {
    private final List<ServerServiceDefinition> definitions;
    private final ExecutorService watchSenders;

    /**
     * @param name this member's name, {@code clientUrls} its client URLs (for MemberList)
     * @param defragment what Defragment does (compact the store's log)
     */
    public EtcdServices(KvService service, String name, List<String> clientUrls, Runnable defragment) {
        Headers headers = new Headers(service);
        this.watchSenders = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "concordkv-watch-send");
            t.setDaemon(true);
            return t;
        });
        this.definitions = List.of(
            new EtcdKvService(service, headers).bindService(),
            new EtcdWatchService(service.watches(), headers, watchSenders).bindService(),
            LeaseLeasesMethod.addTo(new EtcdLeaseService(service, headers).bindService(), service, headers),
            new EtcdMaintenanceService(service, headers, defragment).bindService(),
            new EtcdClusterService(headers, name, clientUrls, List.of()).bindService());
    }

    public List<ServerServiceDefinition> definitions() {
        return definitions;
    }

    @Override
    public void close() {
        watchSenders.shutdownNow();
    }
}
