package io.concordkv.bench.jmh;

import io.concordkv.api.Bytes;
import io.concordkv.bench.KeySpace;
import io.concordkv.storage.EngineConfig;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.StorageEngines;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
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
 * What MVCC costs on plain reads and writes: the same random gets and overwrites (16-byte keys,
 * 100-byte values, {@code keys} keys loaded first) on the engine alone, on the durable store
 * ({@code layer=store}: engine + write-ahead log) and on the MVCC store ({@code layer=mvcc}:
 * revisions, history kept for the default 10,000 revisions and compacted in the background).
 * Both stores use {@code fsync=never} by default, so the log's cost is its CPU work, not the disk;
 * {@code -p fsync=off} drops the log, leaving the MVCC layer alone over the engine.
 *
 * <p>Every operation builds its key (and a put its value) afresh from bytes, as a server decoding
 * a request would, and every key is stored with a value object of its own: a benchmark that
 * passed the very key object stored in the engine, or stored one shared value everywhere, would
 * skip the key's hashing and comparison and the value's cache miss, which no real caller gets,
 * and flatter the engine-alone figure. For the same reason every get reads the value it found
 * (its first byte): the MVCC layer must read the stored record to decode it.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class MvccBenchmark {

    @Param({"rbtree", "hash"})
    public String engine;

    @Param({"engine", "store", "mvcc"})
    public String layer;

    @Param({"100000"})
    public int keys;

    /**
     * The stores' fsync policy: {@code never} keeps the write-ahead log (its CPU work, no disk
     * waits); {@code off} has none, as a Raft member's store (its durability is the Raft log), so
     * the MVCC layer is measured on the bare engine.
     */
    @Param({"never"})
    public String fsync;

    private KeySpace space;
    private StorageEngine bare;
    private KvStore store;
    private MvccStore mvcc;
    private Path dir;

    /** Each thread's own random source. */
    @State(Scope.Thread)
    public static class Cursor {
        final SplittableRandom random = new SplittableRandom(ThreadLocalRandom.current().nextLong());
    }

    @Setup(Level.Trial)
    public void open() throws IOException {
        space = new KeySpace(keys, 42);
        dir = Files.createTempDirectory("concordkv-jmh-mvcc-");
        StoreOptions options = StoreOptions.defaults(engine)
            .withFsync(FsyncPolicy.valueOf(fsync.toUpperCase(java.util.Locale.ROOT)));
        switch (layer) {
            case "engine" -> bare = StorageEngines.open(EngineConfig.of(engine));
            case "store" -> store = KvStore.open(dir, options);
            case "mvcc" -> mvcc = MvccStore.open(dir, MvccOptions.defaults(options));
            default -> throw new IllegalArgumentException("layer " + layer);
        }
        for (int i = 0; i < keys; i++) {
            put(Bytes.copyOf(space.key(i).unsafeArray()));
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (bare != null) {
            bare.close();
        }
        if (store != null) {
            store.close();
        }
        if (mvcc != null) {
            mvcc.close();
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** Stores a value of its own under {@code key}, as each request brings its own bytes. */
    private void put(Bytes key) {
        Bytes value = Bytes.copyOf(space.value().unsafeArray());
        if (mvcc != null) {
            mvcc.put(key, value);
        } else if (store != null) {
            store.put(key, value);
        } else {
            bare.put(key, value);
        }
    }

    private Bytes requestKey(Cursor c) {
        return Bytes.copyOf(space.key(c.random.nextInt(keys)).unsafeArray());
    }

    @Benchmark
    public void put(Cursor c) {
        put(requestKey(c));
    }

    /** Reads a value's first byte, as any caller that uses the value must. */
    @Benchmark
    public int get(Cursor c) {
        Bytes key = requestKey(c);
        if (mvcc != null) {
            Optional<KeyVersion> v = mvcc.get(key);
            return v.map(kv -> kv.value().byteAt(0)).orElse(-1);
        }
        Optional<Bytes> v = store != null ? store.get(key) : bare.get(key);
        return v.map(b -> b.byteAt(0)).orElse(-1);
    }
}
