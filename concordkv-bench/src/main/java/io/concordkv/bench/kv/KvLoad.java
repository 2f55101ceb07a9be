package io.concordkv.bench.kv;

import com.google.protobuf.ByteString;
import com.google.protobuf.MessageLite;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.RangeRequest;
import io.etcd.jetcd.api.RangeResponse;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
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
 * Every answer is checked: a put must carry a revision, a range of a written key must return it.
 *
 * <p>Two drivers speak the same gRPC calls: {@code h2} (the default), the lean unary client of
 * {@link GrpcH2Connection} on Netty's HTTP/2 codec, and {@code grpc-java}, the general-purpose
 * gRPC client. On this 2-core machine the generator shares the CPU with the server it measures,
 * so the lighter it is, the more of the machine the server gets, whichever server it is.
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
                         int keySpace, Duration maxDuration, long seed, String driver) {
        public Config {
            if (!DRIVERS.contains(driver)) {
                throw new IllegalArgumentException("unknown driver " + driver + "; one of " + DRIVERS);
            }
        }
    }

    /** The client implementations the generator can use. */
    public static final List<String> DRIVERS = List.of("h2", "grpc-java");
    private static final int OK = Status.Code.OK.value();
    private static final String PUT = "/etcdserverpb.KV/Put";
    private static final String RANGE = "/etcdserverpb.KV/Range";

    /** One client: its connection, its random keys, and the latch it counts down when it stops. */
    private record Client(int connection, SplittableRandom random, CountDownLatch done) {
    }

    private final Config config;
    private final List<ManagedChannel> channels = new ArrayList<>();
    private final List<KVGrpc.KVStub> stubs = new ArrayList<>();
    private final List<GrpcH2Connection> connections = new ArrayList<>();
    private EventLoopGroup loops;
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
            load.connections.forEach(GrpcH2Connection::close);
            if (load.loops != null) {
                load.loops.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            }
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
        if (config.driver().equals("h2")) {
            loops = new NioEventLoopGroup(Math.min(config.conns(), Runtime.getRuntime().availableProcessors()));
        }
        for (int i = 0; i < config.conns(); i++) {
            String endpoint = config.endpoints().get(i % config.endpoints().size()).replaceFirst("^https?://", "");
            int colon = endpoint.lastIndexOf(':');
            String host = endpoint.substring(0, colon);
            int port = Integer.parseInt(endpoint.substring(colon + 1));
            if (loops != null) {
                connections.add(GrpcH2Connection.connect(loops, host, port));
            } else {
                channels.add(NettyChannelBuilder.forAddress(host, port).usePlaintext().directExecutor().build());
                stubs.add(KVGrpc.newStub(channels.get(channels.size() - 1)));
            }
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
            next(new Client(c % config.conns(), new SplittableRandom(seed * 1_000_003L + c), done));
        }
        if (!done.await(config.maxDuration().toMillis() + 30_000, TimeUnit.MILLISECONDS)) {
            errors.addAndGet(config.clients());
        }
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
            ? os.getProcessCpuTime() : -1;
    }

    /** Writes every key of the key space, one put at a time over the first connection. */
    private void prefill() throws InterruptedException {
        for (int i = 0; i < config.keySpace(); i++) {
            CompletableFuture<String> failure = new CompletableFuture<>();
            unary(0, PutRequest.newBuilder().setKey(key(i)).setValue(value).build(),
                (status, description, response) -> failure.complete(
                    status == OK ? null : Status.fromCodeValue(status).getCode() + ": " + description));
            String failed;
            try {
                failed = failure.get(10, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                failed = e.toString();
            }
            if (failed != null) {
                throw new IllegalStateException("writing the key space failed at key " + i + ": " + failed);
            }
        }
    }

    /** Sends one request over a connection with the configured driver; the answer runs on its event loop. */
    private void unary(int connection, MessageLite request, GrpcH2Connection.Answer answer) {
        boolean put = request instanceof PutRequest;
        if (loops != null) {
            connections.get(connection).call(put ? PUT : RANGE, request,
                put ? PutResponse.parser() : RangeResponse.parser(), answer);
            return;
        }
        StreamObserver<Object> observer = new StreamObserver<>() {
            private Object response;

            @Override
            public void onNext(Object r) {
                response = r;
            }

            @Override
            public void onError(Throwable t) {
                Status status = Status.fromThrowable(t);
                answer.answered(status.getCode().value(), status.getDescription(), null);
            }

            @Override
            public void onCompleted() {
                answer.answered(OK, null, response);
            }
        };
        KVGrpc.KVStub stub = stubs.get(connection);
        if (put) {
            stub.put((PutRequest) request, cast(observer));
        } else {
            stub.range((RangeRequest) request, cast(observer));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> StreamObserver<T> cast(StreamObserver<Object> o) {
        return (StreamObserver<T>) (StreamObserver<?>) o;
    }

    /** Sends this client's next request, or counts the client done. */
    private void next(Client client) {
        if (issued.incrementAndGet() > limit || System.nanoTime() > deadline) {
            client.done().countDown();
            return;
        }
        ByteString key = key(client.random().nextInt(config.keySpace()));
        MessageLite request = config.op().equals("put") ? PutRequest.newBuilder().setKey(key).setValue(value).build()
            : RangeRequest.newBuilder().setKey(key).setSerializable(!config.linearizable()).build();
        long sent = System.nanoTime();
        // no per-call deadline (a timer per request would load the generator): the run as a whole is bounded
        unary(client.connection(), request, (status, description, response) -> {
            String wrong = status == OK ? wrongAnswer(response) : null;
            if (status == OK && wrong == null) {
                latencyMicros.recordValue(Math.min(60_000_000L, (System.nanoTime() - sent) / 1000));
                completed.incrementAndGet();
            } else {
                errors.incrementAndGet();
                String code = wrong != null ? "WRONG_ANSWER" : Status.fromCodeValue(status).getCode().name();
                String first = wrong != null ? wrong : String.valueOf(description);
                errorCodes.computeIfAbsent(code, c -> new ErrorTally(new AtomicLong(), first)).count().incrementAndGet();
            }
            next(client);
        });
    }

    /** What is wrong with a successful answer, or null: a put has a revision, a range of a written key finds it. */
    private static String wrongAnswer(Object response) {
        if (response instanceof PutResponse put) {
            return put.getHeader().getRevision() > 0 ? null : "a put answered without a revision";
        }
        if (response instanceof RangeResponse range) {
            return range.getKvsCount() == 1 ? null : "a range of one written key returned " + range.getKvsCount() + " keys";
        }
        return "no response message";
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
        r.put("driver", config.driver());
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
