package io.concordkv.storage;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.internal.GuardedEngine;
import io.concordkv.storage.internal.LockedSortedEngine;
import io.concordkv.storage.internal.RocksDbEngine;
import io.concordkv.storage.internal.StripedHashEngine;
import java.util.List;

/** Opens storage engines by name. */
public final class StorageEngines {
    public static final String ARRAY = "array";
    public static final String RBTREE = "rbtree";
    public static final String HASH = "hash";
    public static final String LSM = "lsm";

    private static final List<String> NAMES = List.of(ARRAY, RBTREE, HASH, LSM);

    private StorageEngines() {
    }

    /** The names {@link #open(EngineConfig)} accepts. */
    public static List<String> names() {
        return NAMES;
    }

    /**
     * Opens the engine {@code config} names. The returned engine enforces {@link EngineLimits}
     * and refuses calls after close.
     *
     * @throws KvException {@code INVALID_ARGUMENT} when lsm has no data directory,
     *     {@code IO_ERROR} when its files cannot be opened
     */
    public static StorageEngine open(EngineConfig config) {
        if (config.engine().equals(HASH)) {
            // checks limits and the closed state itself, off the path of a read that finds its key
            return new StripedHashEngine(config.hashSegments(), config.limits());
        }
        StorageEngine engine = switch (config.engine()) {
            case ARRAY -> LockedSortedEngine.sortedArray();
            case RBTREE -> LockedSortedEngine.redBlackTree(config.unindexedPrefix());
            case LSM -> new RocksDbEngine(config.dataDir().orElseThrow(() -> new KvException(
                ErrorCode.INVALID_ARGUMENT, "the lsm engine needs a data directory")), config.syncWrites());
            default -> throw new KvException(ErrorCode.INVALID_ARGUMENT, "unknown engine " + config.engine());
        };
        return new GuardedEngine(engine, config.limits());
    }
}
