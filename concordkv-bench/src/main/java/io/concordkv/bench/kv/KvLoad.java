package io.concordkv.bench.kv;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.RangeRequest;
import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The load generator over the etcd v3 API: the same code drives ConcordKV and a real etcd. C
 * clients each keep one request in flight (the next is sent when the previous answers), spread
 * over N gRPC connections; it stops after {@code total} requests or {@code maxDuration}, whichever
 * comes first. Puts write random keys of the key space; ranges read one random key, linearizable
 * or serializable (the key space is written first). Latencies go into an HdrHistogram. Answers
 * are handled on the connections' event loops (no thread hand-off), to keep the generator light.
 *
 * <p>With {@code warmup > 0} the same clients first send that many requests, unrecorded, over the
 * same connections: a fresh JVM compiles gRPC and Netty while it runs, and on a machine shared with
 * the server measured that compilation takes CPU from the server (about 6 CPU-seconds in a
 * 100,000-request run on 2 cores). The result also gives the generator's own CPU time per request
 * of the recorded phase, {@code generator_cpu_us_per_op}.
 */
public final class KvLoad {
    /** What to run. */
    public record Config(String target, List<String> endpoints, int clients, int conns, String op,
                         boolean linearizable, long total, long warmup, int keySize, int valueSize,
                         int keySpace, Duration maxDuration, long seed) {
    }

    private final Config config;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final Histogram latencyMicros = new ConcurrentHistogram(60_000_000L, 3);
    private final AtomicLong issued = new AtomicLong();
    private final AtomicLong completed = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    /** Failed requests of one gRPC status code: how many, and the description of the first. */
    private record ErrorTally(AtomicLong count, String first) {
    }

    /** Failed requests by gRPC status code. */
    private final java.util.concurrent.ConcurrentHashMap<String, ErrorTally> errorCodes =
        new java.util.concurrent.ConcurrentHashMap<>();
    private final ByteString value;
    private volatile long deadline;
    private volatile long limit;

    private KvLoad(Config config) {
        this.config = config;
        byte[] v = new byte[config.valueSize()];
        new SplittableRandom(config.seed()).nextBytes(v);
        this.value = ByteString.copyFrom(v);
    }

    public static Map<String, Object> run(Config config) throws InterruptedException {
        KvLoad load = new KvLoad(config);
        try {
            return load.go();
        } finally {
            load.channels.forEach(ManagedChannel::shutdownNow);
        }
    }

    private ByteString key(int index) {
        String digits = Integer.toString(index);
        StringBuilder b = new StringBuilder(config.keySize());
        for (int i = digits.length(); i < config.keySize(); i++) {
            b.append('0');
        }
        b.append(digits);
        return ByteString.copyFrom(b.substring(Math.max(0, b.length() - config.keySize())), StandardCharsets.US_ASCII);
    }

    private Map<String, Object> go() throws InterruptedException {
        for (int i = 0; i < config.conns(); i++) {
            String endpoint = config.endpoints().get(i % config.endpoints().size()).replaceFirst("^https?://", "");
            int colon = endpoint.lastIndexOf(':');
            channels.add(NettyChannelBuilder.forAddress(endpoint.substring(0, colon),
                Integer.parseInt(endpoint.substring(colon + 1))).usePlaintext().directExecutor().build());
        }
        if (config.op().equals("range")) {
            prefill();
        }
        if (config.warmup() > 0) {
            phase(config.warmup(), config.seed() + 1);
            latencyMicros.reset();
            completed.set(0);
            errors.set(0);
            errorCodes.clear();
        }
        long cpuBefore = processCpuNanos();
        long start = System.nanoTime();
        phase(config.total(), config.seed());
        double seconds = (System.nanoTime() - start) / 1e9;
        return result(seconds, processCpuNanos() - cpuBefore);
    }

    /** Runs {@code total} requests from all clients (or until the run's time is up) and waits for them. */
    private void phase(long total, long seed) throws InterruptedException {
        issued.set(0);
        limit = total;
        CountDownLatch done = new CountDownLatch(config.clients());
        deadline = System.nanoTime() + config.maxDuration().toNanos();
        for (int c = 0; c < config.clients(); c++) {
            KVGrpc.KVStub stub = KVGrpc.newStub(channels.get(c % channels.size()));
            SplittableRandom random = new SplittableRandom(seed * 1_000_003L + c);
            next(stub, random, done);
        }
        if (!done.await(config.maxDuration().toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
            errors.addAndGet(config.clients());
        }
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime() : -1;
    }

    private void prefill() {
        KVGrpc.KVBlockingStub stub = KVGrpc.newBlockingStub(channels.get(0));
        for (int i = 0; i < config.keySpace(); i++) {
            stub.withDeadlineAfter(10, TimeUnit.SECONDS).put(PutRequest.newBuilder().setKey(key(i)).setValue(value).build());
        }
    }

    /** Sends this client's next request, or counts the client done. */
    private void next(KVGrpc.KVStub stub, SplittableRandom random, CountDownLatch done) {
        if (issued.incrementAndGet() > limit || System.nanoTime() > deadline) {
            done.countDown();
            return;
        }
        ByteString key = key(random.nextInt(config.keySpace()));
        long sent = System.nanoTime();
        StreamObserver<Object> answer = new StreamObserver<>() {
            @Override
            public void onNext(Object response) {
                latencyMicros.recordValue(Math.min(60_000_000L, (System.nanoTime() - sent) / 1000));
                completed.incrementAndGet();
            }

            @Override
            public void onError(Throwable t) {
                errors.incrementAndGet();
                io.grpc.Status status = io.grpc.Status.fromThrowable(t);
                errorCodes.computeIfAbsent(status.getCode().name(),
                    c -> new ErrorTally(new AtomicLong(), String.valueOf(status.getDescription()))).count().incrementAndGet();
                next(stub, random, done);
            }

            @Override
            public void onCompleted() {
                next(stub, random, done);
            }
        };
        // no per-call deadline (a timer per request would load the generator): the run as a whole is bounded
        if (config.op().equals("put")) {
            stub.put(PutRequest.newBuilder().setKey(key).setValue(value).build(), cast(answer));
        } else {
            stub.range(RangeRequest.newBuilder().setKey(key).setSerializable(!config.linearizable()).build(),
                cast(answer));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> StreamObserver<T> cast(StreamObserver<Object> o) {
        return (StreamObserver<T>) (StreamObserver<?>) o;
    }

    private Map<String, Object> result(double seconds, long cpuNanos) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("target", config.target());
        r.put("op", config.op());
        if (config.op().equals("range")) {
            r.put("consistency", config.linearizable() ? "l" : "s");
        }
        r.put("clients", config.clients());
        r.put("conns", config.conns());
        r.put("total", completed.get());
        r.put("errors", errors.get());
        if (!errorCodes.isEmpty()) {
            Map<String, Object> byCode = new java.util.TreeMap<>();
            errorCodes.forEach((code, t) -> byCode.put(code, Map.of("count", t.count().get(), "first", t.first())));
            r.put("errors_by_code", byCode);
        }
        r.put("seconds", Math.round(seconds * 1000) / 1000.0);
        r.put("ops_per_sec", Math.round(completed.get() / seconds));
        r.put("p50_ms", millis(50));
        r.put("p90_ms", millis(90));
        r.put("p99_ms", millis(99));
        r.put("key_size", config.keySize());
        r.put("value_size", config.valueSize());
        r.put("warmup", config.warmup());
        if (cpuNanos >= 0 && completed.get() > 0) {
            r.put("generator_cpu_us_per_op", Math.round(cpuNanos / 100.0 / completed.get()) / 10.0);
        }
        return r;
    }

    private double millis(double percentile) {
        return Math.round(latencyMicros.getValueAtPercentile(percentile) / 10.0) / 100.0;
    }
}
