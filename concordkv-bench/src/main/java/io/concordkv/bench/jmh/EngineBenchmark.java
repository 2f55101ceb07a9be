package io.concordkv.bench.jmh;

import io.concordkv.api.Bytes;
import io.concordkv.bench.BenchTarget;
import io.concordkv.bench.BenchTargets;
import io.concordkv.bench.KeySpace;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of each target for the four operations. The store is filled with {@code keys} keys
 * before measuring; every operation picks a key uniformly at random, and {@code put} overwrites an
 * existing key so the size stays fixed. Threads come from JMH's {@code -t} option.
 *
 * <p>{@code scan100} needs an ordered target: exclude it for {@code hash} and {@code jdk-chm}
 * (their scan is a full sort or unsupported).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class EngineBenchmark {

    @Param({"array", "rbtree", "hash", "lsm", "jdk-chm", "jdk-treemap", "jdk-skiplist", "rocksdb"})
    public String target;

    @Param({"100000", "1000000"})
    public int keys;

    private BenchTarget store;
    private KeySpace space;

    /** Each thread's own random source, so threads do not contend on one generator. */
    @State(Scope.Thread)
    public static class Cursor {
        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
    }

    @Setup(Level.Trial)
    public void fill() {
        space = new KeySpace(keys, 42);
        store = BenchTargets.open(target);
        space.fill(store);
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    @Benchmark
    public void put(Cursor c) {
        store.put(space.key(c.random.nextInt(keys)), space.value());
    }

    @Benchmark
    public Bytes get(Cursor c) {
        return store.get(space.key(c.random.nextInt(keys)));
    }

    @Benchmark
    public Bytes getMiss(Cursor c) {
        return store.get(space.missingKey(c.random.nextInt(keys)));
    }

    @Benchmark
    public int scan100(Cursor c) {
        return store.scan(space.key(c.random.nextInt(keys)), 100);
    }
}
