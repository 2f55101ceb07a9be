package io.concordkv.storage;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * How to open a storage engine. Immutable; the {@code with...} methods return modified copies.
 *
 * @param engine the engine's name: {@code array}, {@code rbtree}, {@code hash} or {@code lsm}
 * @param limits key, value and batch size limits (default {@link EngineLimits#defaults()})
 * @param dataDir the directory the {@code lsm} engine keeps its files in (required for it,
 *     ignored by the in-memory engines)
 * @param hashSegments number of lock stripes of the {@code hash} engine, a power of two from 1
 *     to 65536 (default 64)
 * @param syncWrites for a persistent engine ({@code lsm}): sync its write-ahead log on every
 *     write before returning (default false)
 * @param unindexedPrefix for the {@code rbtree} engine: keys whose first byte is this one (0–255)
 *     are found by descending the tree instead of through its point index; -1 (the default) for
 *     none. For a key range written once and in key order, read by key rarely and dropped by range
 *     (the MVCC layer's history), where indexing each key would cost a cache miss on insert and
 *     another on removal and save nothing. Ignored by the other engines.
 */
public record EngineConfig(String engine, EngineLimits limits, Optional<Path> dataDir, int hashSegments,
                           boolean syncWrites, int unindexedPrefix) {
    public static final int DEFAULT_HASH_SEGMENTS = 64;

    public EngineConfig {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(limits, "limits");
        Objects.requireNonNull(dataDir, "dataDir");
        if (!StorageEngines.names().contains(engine)) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT,
                "unknown engine '" + engine + "'; known engines: " + StorageEngines.names());
        }
        if (hashSegments < 1 || hashSegments > 65536 || Integer.bitCount(hashSegments) != 1) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT,
                "hashSegments must be a power of two from 1 to 65536, got " + hashSegments);
        }
        if (unindexedPrefix < -1 || unindexedPrefix > 255) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT,
                "unindexedPrefix must be a byte value from 0 to 255, or -1 for none, got " + unindexedPrefix);
        }
    }

    /** The named engine with default limits, no data directory and 64 hash segments. */
    public static EngineConfig of(String engine) {
        return new EngineConfig(engine, EngineLimits.defaults(), Optional.empty(), DEFAULT_HASH_SEGMENTS, false, -1);
    }

    public EngineConfig withLimits(EngineLimits newLimits) {
        return new EngineConfig(engine, newLimits, dataDir, hashSegments, syncWrites, unindexedPrefix);
    }

    public EngineConfig withDataDir(Path dir) {
        return new EngineConfig(engine, limits, Optional.of(dir), hashSegments, syncWrites, unindexedPrefix);
    }

    public EngineConfig withHashSegments(int segments) {
        return new EngineConfig(engine, limits, dataDir, segments, syncWrites, unindexedPrefix);
    }

    public EngineConfig withUnindexedPrefix(int prefix) {
        return new EngineConfig(engine, limits, dataDir, hashSegments, syncWrites, prefix);
    }

    public EngineConfig withSyncWrites(boolean sync) {
        return new EngineConfig(engine, limits, dataDir, hashSegments, sync, unindexedPrefix);
    }
}
