package io.concordkv.bench.jmh;

import io.concordkv.api.Bytes;
import io.concordkv.bench.KeySpace;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The best an MVCC layer could do with no engine interface in the way, as a bound for
 * {@link MvccBenchmark}'s overhead: the same random gets and overwrites (16-byte keys, 100-byte
 * values built afresh per request, {@code keys} keys) on a JDK structure holding values
 * ({@code variant=plain}) and holding, in the same structure, each key's versions as a chain of
 * objects ({@code variant=mvcc}): a put replaces the key's chain head in the same probe
 * ({@code compute}), the new version taking its create revision and version count from the old
 * one and linking to it; the link is cut once 10,000 later revisions have passed (the retained
 * history). Revisions come from a counter under a commit lock, as they must be in commit order.
 * A get returns the version object itself: no decoding, no copy. {@code structure=treemap} is a
 * red-black tree (the JDK's, under a lock, as the {@code rbtree} engine), {@code hashmap} a
 * {@link ConcurrentHashMap} (as the {@code hash} engine). No log, no persistence, one thread. Not a
 * store: a measurement of what versions cost in memory.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsPrepend = {"-Xms4g", "-Xmx4g"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
public class MvccIdealBenchmark {
    private static final int RETAINED = 10_000;

    @Param({"treemap", "hashmap"})
    public String structure;

    /**
     * {@code plain} values; {@code mvcc} versions, revisions numbered under a commit lock, history
     * retained; {@code revisions} only the latest version with its revisions (no history), numbered
     * by an atomic counter inside the probe with no commit lock (but the tree's): lower than any
     * real store could go, as nothing says which revisions are complete and nothing older is kept.
     */
    @Param({"plain", "mvcc", "revisions"})
    public String variant;

    @Param({"100000"})
    public int keys;

    /** One version of a key; {@code previous} is the version it replaced, while retained. */
    static final class Version {
        final Bytes value;
        final long createRevision;
        final long modRevision;
        final long version;
        Version previous;

        Version(Bytes value, long createRevision, long modRevision, long version, Version previous) {
            this.value = value;
            this.createRevision = createRevision;
            this.modRevision = modRevision;
            this.version = version;
            this.previous = previous;
        }
    }

    private KeySpace space;
    private Map<Bytes, Object> map;
    private boolean locked;
    private boolean mvcc;
    private boolean unordered;
    private final AtomicLong counter = new AtomicLong();
    private final ReentrantLock lock = new ReentrantLock();
    private long revision;
    private final Version[] retained = new Version[RETAINED];
    private int retainedNext;

    @Setup(Level.Trial)
    public void open() {
        space = new KeySpace(keys, 42);
        locked = structure.equals("treemap");
        map = locked ? new TreeMap<>() : new ConcurrentHashMap<>();
        mvcc = !variant.equals("plain");
        unordered = variant.equals("revisions");
        for (int i = 0; i < keys; i++) {
            put(Bytes.copyOf(space.key(i).unsafeArray()));
        }
    }

    @Benchmark
    public void put(MvccBenchmark.Cursor c) {
        put(Bytes.copyOf(space.key(c.random.nextInt(keys)).unsafeArray()));
    }

    /** Reads a value's first byte (and, for a version, its mod revision), as a caller would. */
    @Benchmark
    public long get(MvccBenchmark.Cursor c) {
        Bytes key = Bytes.copyOf(space.key(c.random.nextInt(keys)).unsafeArray());
        Object found;
        if (locked) {
            lock.lock();
            try {
                found = map.get(key);
            } finally {
                lock.unlock();
            }
        } else {
            found = map.get(key);
        }
        if (found instanceof Version v) {
            return v.value.byteAt(0) + v.modRevision;
        }
        return found == null ? -1 : ((Bytes) found).byteAt(0);
    }

    /** The version replacing {@code old} at {@code rev}, linked to it when history is kept. */
    private static Version version(Bytes value, long rev, Version old, boolean linked) {
        return old == null ? new Version(value, rev, rev, 1, null)
            : new Version(value, old.createRevision, rev, old.version + 1, linked ? old : null);
    }

    private void put(Bytes key) {
        Bytes value = Bytes.copyOf(space.value().unsafeArray());
        if (!mvcc) {
            if (locked) {
                lock.lock();
                try {
                    map.put(key, value);
                } finally {
                    lock.unlock();
                }
            } else {
                map.put(key, value);
            }
            return;
        }
        if (unordered) {
            if (locked) {
                lock.lock();
                try {
                    map.compute(key, (k, o) -> version(value, counter.incrementAndGet(), (Version) o, false));
                } finally {
                    lock.unlock();
                }
            } else {
                map.compute(key, (k, o) -> version(value, counter.incrementAndGet(), (Version) o, false));
            }
            return;
        }
        lock.lock();
        try {
            long rev = ++revision;
            Version next = (Version) map.compute(key, (k, o) -> version(value, rev, (Version) o, true));
            // history compaction: the version replaced RETAINED revisions ago is dropped
            Version expired = retained[retainedNext];
            if (expired != null) {
                expired.previous = null;
            }
            retained[retainedNext] = next.previous == null ? null : next;
            retainedNext = (retainedNext + 1) % RETAINED;
        } finally {
            lock.unlock();
        }
    }
}
