package io.concordkv.bench;

import io.concordkv.api.Bytes;

/**
 * One thing a benchmark measures: a ConcordKV engine or a baseline structure, reduced to the
 * operations the benchmarks run. Implementations are thread-safe.
 */
public interface BenchTarget extends AutoCloseable {

    /** The target's name, as given to {@link BenchTargets#open(String)}. */
    String name();

    /** Whether {@link #scan(Bytes, int)} is supported. */
    boolean ordered();

    void put(Bytes key, Bytes value);

    /** The value under {@code key}, or {@code null} when absent (no {@code Optional} here: it is measured). */
    Bytes get(Bytes key);

    /** Reads up to {@code count} entries from {@code start} in key order; returns how many it read. */
    int scan(Bytes start, int count);

    @Override
    void close();
}
