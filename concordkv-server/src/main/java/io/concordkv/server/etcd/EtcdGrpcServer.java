package io.concordkv.server.etcd;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.service.KvService;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * The etcd v3 gRPC endpoint (KV, Watch, Lease, Maintenance, Cluster) on one address. Requests
 * larger than {@code maxRequestBytes} are refused by gRPC before they are parsed. Owns the gRPC
 * server and the watch senders' executor.
 */
public final class EtcdGrpcServer implements AutoCloseable {
    private final Server server;
    private final ExecutorService watchSenders;

    private EtcdGrpcServer(Server server, ExecutorService watchSenders) {
        this.server = server;
        this.watchSenders = watchSenders;
    }

    /**
     * Starts serving {@code service} on {@code address}.
     *
     * @throws KvException {@code UNAVAILABLE} when the address is taken (or cannot be bound)
     */
    public static EtcdGrpcServer start(KvService service, InetSocketAddress address, int maxRequestBytes,
                                       String name, List<String> clientUrls, Runnable defragment) {
        Headers headers = new Headers(service);
        ExecutorService senders = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "concordkv-watch-send");
            t.setDaemon(true);
            return t;
        });
        EtcdWatchService watch = new EtcdWatchService(service.watches(), headers, senders);
        Server server = NettyServerBuilder.forAddress(address)
            .maxInboundMessageSize(maxRequestBytes)
            .addService(new EtcdKvService(service, headers))
            .addService(watch)
            .addService(LeaseLeasesMethod.addTo(new EtcdLeaseService(service, headers).bindService(), service, headers))
            .addService(new EtcdMaintenanceService(service, headers, defragment))
            .addService(new EtcdClusterService(headers, name, clientUrls, List.of()))
            .build();
        try {
            server.start();
        } catch (IOException e) {
            senders.shutdownNow();
            String why = e instanceof BindException || e.getCause() instanceof BindException
                ? "address in use" : e.getMessage();
            throw new KvException(ErrorCode.UNAVAILABLE, "cannot listen for gRPC clients on " + address + ": " + why, e);
        }
        return new EtcdGrpcServer(server, senders);
    }

    public int port() {
        return server.getPort();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        watchSenders.shutdownNow();
    }
}
