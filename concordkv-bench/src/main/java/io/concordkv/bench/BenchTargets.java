package io.concordkv.bench;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.EngineConfig;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.StorageEngines;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;

/** Opens benchmark targets by name: the ConcordKV engines and the baselines. */
public final class BenchTargets {
    public static final String JDK_CHM = "jdk-chm";
    public static final String JDK_TREEMAP = "jdk-treemap";
    public static final String JDK_SKIPLIST = "jdk-skiplist";
    public static final String ROCKSDB = "rocksdb";

    private BenchTargets() {
    }

    /** Every target name: the engines first, then the baselines. */
    public static List<String> names() {
        List<String> names = new ArrayList<>(StorageEngines.names());
        names.addAll(List.of(JDK_CHM, JDK_TREEMAP, JDK_SKIPLIST, ROCKSDB));
        return names;
    }

    /** Opens {@code name}; disk-backed targets live in a temporary directory removed on close. */
    public static BenchTarget open(String name) {
        return switch (name) {
            case JDK_CHM -> new ConcurrentMapTarget(JDK_CHM, new ConcurrentHashMap<>());
            case JDK_TREEMAP -> new LockedTreeMapTarget();
            case JDK_SKIPLIST -> new ConcurrentMapTarget(JDK_SKIPLIST, new ConcurrentSkipListMap<>());
            case ROCKSDB -> new RawRocksDbTarget(tempDir());
            default -> engine(name);
        };
    }

    private static BenchTarget engine(String name) {
        EngineConfig config = EngineConfig.of(name);
        Path dir = null;
        if (name.equals(StorageEngines.LSM)) {
            dir = tempDir();
            config = config.withDataDir(dir);
        }
        return new EngineTarget(StorageEngines.open(config), dir);
    }

    static Path tempDir() {
        return tempDir(null);
    }

    /** A new temporary directory under {@code parent} (the system's default when null). */
    static Path tempDir(Path parent) {
        try {
            return parent == null ? Files.createTempDirectory("concordkv-bench-")
                : Files.createTempDirectory(Files.createDirectories(parent), "concordkv-bench-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ConcordKV engine through its public API. */
    private record EngineTarget(StorageEngine engine, Path dir) implements BenchTarget {
        @Override
        public String name() {
            return engine.name();
        }

        @Override
        public boolean ordered() {
            return engine.isOrdered();
        }

        @Override
        public void put(Bytes key, Bytes value) {
            engine.put(key, value);
        }

        @Override
        public Bytes get(Bytes key) {
            return engine.get(key).orElse(null);
        }

        @Override
        public int scan(Bytes start, int count) {
            return engine.scan(ScanRange.from(start).withLimit(count)).size();
        }

        @Override
        public void close() {
            engine.close();
            deleteTree(dir);
        }
    }

    /**
     * A JDK concurrent map: {@link ConcurrentHashMap} (unordered, the limit for the hash engine) or
     * {@link ConcurrentSkipListMap} (the JDK's concurrent ordered map).
     */
    private record ConcurrentMapTarget(String name, ConcurrentMap<Bytes, Bytes> map) implements BenchTarget {
        @Override
        public boolean ordered() {
            return map instanceof NavigableMap;
        }

        @Override
        public void put(Bytes key, Bytes value) {
            map.put(key, value);
        }

        @Override
        public Bytes get(Bytes key) {
            return map.get(key);
        }

        @Override
        public int scan(Bytes start, int count) {
            if (map instanceof NavigableMap<Bytes, Bytes> sorted) {
                return copyFirst(sorted.tailMap(start, true), count);
            }
            throw new KvException(ErrorCode.UNSUPPORTED, name + " is unordered");
        }

        @Override
        public void close() {
            map.clear();
        }
    }

    /** {@link TreeMap} under a read-write lock: the limit for the rbtree engine. */
    private static final class LockedTreeMapTarget implements BenchTarget {
        private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
        private final TreeMap<Bytes, Bytes> map = new TreeMap<>();

        @Override
        public String name() {
            return JDK_TREEMAP;
        }

        @Override
        public boolean ordered() {
            return true;
        }

        @Override
        public void put(Bytes key, Bytes value) {
            lock.writeLock().lock();
            try {
                map.put(key, value);
            } finally {
                lock.writeLock().unlock();
            }
        }

        @Override
        public Bytes get(Bytes key) {
            lock.readLock().lock();
            try {
                return map.get(key);
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public int scan(Bytes start, int count) {
            lock.readLock().lock();
            try {
                return copyFirst(map.tailMap(start, true), count);
            } finally {
                lock.readLock().unlock();
            }
        }

        @Override
        public void close() {
            map.clear();
        }
    }

    /** Copies up to {@code count} entries into a list, as the engines' scans do. */
    static int copyFirst(Map<Bytes, Bytes> view, int count) {
        List<Map.Entry<Bytes, Bytes>> out = new ArrayList<>(Math.min(count, 16));
        for (Map.Entry<Bytes, Bytes> e : view.entrySet()) {
            if (out.size() >= count) {
                break;
            }
            out.add(Map.entry(e.getKey(), e.getValue()));
        }
        return out.size();
    }
}
