package io.concordkv.it.cluster;

import com.google.protobuf.ByteString;
import io.concordkv.check.HistoryRecorder;
import io.concordkv.check.KvOp;
import io.concordkv.check.Output;
import io.etcd.jetcd.api.Compare;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.etcd.jetcd.api.RequestOp;
import io.etcd.jetcd.api.TxnRequest;
import io.etcd.jetcd.api.TxnResponse;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Clients that run gets, puts and compare-and-swaps (etcd Txn) on a few keys against random
 * members, one operation at a time each, recording every operation in a {@link HistoryRecorder}:
 * a failed read had no effect; a failed or timed-out write may have had one (unknown). Bounded by
 * a stop flag and a per-operation deadline. Thread-safe.
 */
final class RecordingClients implements AutoCloseable {
    private static final int KEYS = 6;

    final HistoryRecorder history = new HistoryRecorder(System::nanoTime);
    final AtomicLong okWrites = new AtomicLong();
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    /** Members no longer sent to: removed from the cluster (a real client learns that from MemberList). */
    private final java.util.Set<Integer> retired = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private volatile boolean stop;

    RecordingClients(List<String> endpoints, int clients, long seed) {
        for (String e : endpoints) {
            channels.add(NettyChannelBuilder.forTarget(e).usePlaintext().build());
        }
        for (int c = 0; c < clients; c++) {
            int client = c;
            Random random = new Random(seed * 31 + c);
            Thread t = new Thread(() -> run(client, random), "recording-client-" + c);
            t.setDaemon(true);
            threads.add(t);
        }
    }

    void start() {
        threads.forEach(Thread::start);
    }

    /** Stops issuing operations and waits for the ones in flight. */
    void stopAndJoin() throws InterruptedException {
        stop = true;
        for (Thread t : threads) {
            t.join(10_000);
        }
    }

    /**
     * Stops sending to member {@code i}, as a client refreshing its endpoints from MemberList does
     * once the member is removed: a removed member that has not learnt it (the leader stopped
     * replicating to it before it saw the change commit) lets each request run into its deadline.
     */
    void retire(int i) {
        retired.add(i);
    }

    /** A blocking stub for member {@code i} with a deadline. */
    KVGrpc.KVBlockingStub kv(int i, long millis) {
        return KVGrpc.newBlockingStub(channels.get(i)).withDeadlineAfter(millis, TimeUnit.MILLISECONDS);
    }

    private void run(int client, Random random) {
        long n = 0;
        while (!stop) {
            int member = random.nextInt(channels.size());
            while (retired.contains(member) && retired.size() < channels.size()) {
                member = (member + 1) % channels.size();
            }
            String key = "k" + random.nextInt(KEYS);
            int kind = random.nextInt(10);
            if (kind < 4) {
                get(client, member, key);
            } else if (kind < 8) {
                put(client, member, key, client + "-" + n++);
            } else {
                cas(client, member, key, "" + client + "-" + (n - 1 - random.nextInt(3)), client + "-" + n++);
            }
        }
    }

    private static ByteString bytes(String s) {
        return ByteString.copyFrom(s, StandardCharsets.UTF_8);
    }

    private void get(int client, int member, String key) {
        long h = history.invoke(client, KvOp.get(key));
        try {
            RangeResponse r = kv(member, 1000).range(RangeRequest.newBuilder().setKey(bytes(key)).build());
            history.ok(h, new Output.Read(r.getKvsCount() == 0 ? Optional.empty()
                : Optional.of(r.getKvs(0).getValue().toStringUtf8())));
        } catch (RuntimeException e) {
            history.fail(h);
        }
    }

    private void put(int client, int member, String key, String value) {
        long h = history.invoke(client, KvOp.put(key, value));
        try {
            kv(member, 1000).put(PutRequest.newBuilder().setKey(bytes(key)).setValue(bytes(value)).build());
            history.ok(h, new Output.Ack());
            okWrites.incrementAndGet();
        } catch (RuntimeException e) {
            history.unknown(h);
        }
    }

    private void cas(int client, int member, String key, String expected, String value) {
        long h = history.invoke(client, KvOp.cas(key, expected, value));
        try {
            TxnResponse r = kv(member, 1000).txn(TxnRequest.newBuilder()
                .addCompare(Compare.newBuilder().setKey(bytes(key)).setTarget(Compare.CompareTarget.VALUE)
                    .setResult(Compare.CompareResult.EQUAL).setValue(bytes(expected)))
                .addSuccess(RequestOp.newBuilder().setRequestPut(PutRequest.newBuilder().setKey(bytes(key))
                    .setValue(bytes(value))))
                .build());
            history.ok(h, new Output.Swap(r.getSucceeded()));
            okWrites.incrementAndGet();
        } catch (RuntimeException e) {
            history.unknown(h);
        }
    }

    @Override
    public void close() {
        stop = true;
        channels.forEach(ManagedChannel::shutdownNow);
    }
}
