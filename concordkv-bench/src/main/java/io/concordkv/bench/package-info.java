/**
 * Measurement of ConcordKV's engines beside the structures they are built on.
 *
 * <p>{@link io.concordkv.bench.BenchTarget} is the one shape every measured thing takes: the four
 * ConcordKV engines (through the public {@code StorageEngine} API, limits checks included) and
 * the baselines {@code jdk-chm} ({@code ConcurrentHashMap}), {@code jdk-treemap} ({@code TreeMap}
 * under a {@code ReentrantReadWriteLock}), {@code jdk-skiplist} ({@code ConcurrentSkipListMap})
 * and {@code rocksdb} (raw RocksDB JNI with the same options as the {@code lsm} engine).
 * {@link io.concordkv.bench.EngineLoad} is the quick in-process load behind
 * {@code concordkv bench engine}; the JMH benchmarks are in {@code io.concordkv.bench.jmh}.
 *
 * <p>Files: targets backed by RocksDB write into a temporary directory they delete on close.
 * Thread-safety: targets are as thread-safe as what they wrap (all of them are).
 */
package io.concordkv.bench;
