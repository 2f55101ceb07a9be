package io.concordkv.storage;

/**
 * Approximate engine statistics.
 *
 * @param keyCount number of live keys (exact for the in-memory engines, an estimate for lsm)
 * @param dataBytes bytes of live keys plus values (exact for in-memory engines; for lsm the
 *     estimate of live data plus memtables, i.e. after compression)
 */
public record EngineStats(long keyCount, long dataBytes) {
}
