package io.concordkv.bench.jmh;

import io.concordkv.api.Bytes;
import io.concordkv.bench.KeySpace;
import io.concordkv.storage.EngineConfig;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.StorageEngines;
import java.util.Optional;
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
 * The least an MVCC put must do on top of the engine, as a floor for {@link MvccBenchmark}'s
 * write overhead: the same random overwrites (16-byte keys, 100-byte values, built afresh per
 * request, {@code keys} keys) on the engine alone ({@code variant=engine}) and as a bare MVCC write
 * ({@code variant=floor}): read the key's current version and parse the header fields a new
 * version needs (create revision, mod revision, version count), encode the new version in the MVCC
 * store's format, store it, and keep the replaced one by reference in a ring of the last 10,000 (the
 * retained history, dropped as the ring turns). No commit lock, no log, no history key, no
 * compaction, one thread, a plain counter for revisions. Not a store: a measurement.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class MvccFloorBenchmark {
    private static final int RETAINED = 10_000;

    @Param({"rbtree", "hash"})
    public String engine;

    @Param({"engine", "floor"})
    public String variant;

    @Param({"100000"})
    public int keys;

    private KeySpace space;
    private StorageEngine store;
    private long revision;
    private final Bytes[] history = new Bytes[RETAINED];
    private final long[] historyRevisions = new long[RETAINED];
    private int historyNext;

    @Setup(Level.Trial)
    public void open() {
        space = new KeySpace(keys, 42);
        store = StorageEngines.open(EngineConfig.of(engine));
        for (int i = 0; i < keys; i++) {
            put(Bytes.copyOf(space.key(i).unsafeArray()));
        }
    }

    @TearDown(Level.Trial)
    public void close() {
        store.close();
    }

    @Benchmark
    public void put(MvccBenchmark.Cursor c) {
        put(Bytes.copyOf(space.key(c.random.nextInt(keys)).unsafeArray()));
    }

    private void put(Bytes key) {
        Bytes value = Bytes.copyOf(space.value().unsafeArray());
        if (variant.equals("engine")) {
            store.put(key, value);
            return;
        }
        byte[] k = new byte[key.length() + 1];
        k[0] = 'k';
        System.arraycopy(key.unsafeArray(), 0, k, 1, key.length());
        Bytes storeKey = Bytes.wrap(k);
        Optional<Bytes> old = store.get(storeKey);
        long rev = ++revision;
        long create = rev;
        long version = 1;
        long previous = 0;
        if (old.isPresent()) {
            // the stored format's header: flags byte, then create, mod, version varints (and more)
            byte[] in = old.get().unsafeArray();
            int at = 1;
            create = varint(in, at);
            at = end(in, at);
            previous = varint(in, at);
            version = varint(in, end(in, at)) + 1;
            history[historyNext] = old.get();
            historyRevisions[historyNext] = rev;
            historyNext = (historyNext + 1) % RETAINED;
        }
        store.put(storeKey, encode(create, rev, version, previous, value));
    }

    /**
     * A version in the MVCC store's format (its {@code VersionRecord}, internal to that module):
     * a flags byte, six varints (create, mod, version, lease, previous, superseded-at), the value.
     */
    private static Bytes encode(long create, long mod, long version, long previous, Bytes value) {
        byte[] out = new byte[1 + varintSize(create) + varintSize(mod) + varintSize(version) + 1
            + varintSize(previous) + 1 + value.length()];
        int pos = 1;
        pos = putVarint(out, pos, create);
        pos = putVarint(out, pos, mod);
        pos = putVarint(out, pos, version);
        pos = putVarint(out, pos, 0);
        pos = putVarint(out, pos, previous);
        pos = putVarint(out, pos, 0);
        System.arraycopy(value.unsafeArray(), 0, out, pos, value.length());
        return Bytes.wrap(out);
    }

    private static int varintSize(long v) {
        return v == 0 ? 1 : (63 - Long.numberOfLeadingZeros(v)) / 7 + 1;
    }

    private static int putVarint(byte[] out, int pos, long v) {
        while ((v & ~0x7FL) != 0) {
            out[pos++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out[pos++] = (byte) v;
        return pos;
    }

    private static long varint(byte[] in, int pos) {
        long v = 0;
        int shift = 0;
        byte b;
        do {
            b = in[pos++];
            v |= (long) (b & 0x7F) << shift;
            shift += 7;
        } while (b < 0);
        return v;
    }

    private static int end(byte[] in, int pos) {
        while (in[pos++] < 0) {
            // continuation
        }
        return pos;
    }

}
