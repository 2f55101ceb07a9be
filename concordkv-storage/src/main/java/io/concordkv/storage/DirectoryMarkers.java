package io.concordkv.storage;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The marker files of a store's directory ({@link KvStore}): which engine it holds, and whether its
 * log may hold records that depend on earlier ones.
 */
final class DirectoryMarkers {
    /** The engine the store was last opened with (text, one line). */
    private static final String ENGINE_FILE = "ENGINE";
    /**
     * Present when the log may hold records that depend on earlier ones ({@link LogDependencies}):
     * written before the first such record by a store whose engine names them, so that a store
     * opened on the directory without that engine (the offline tool on an MVCC store's directory)
     * knows it must not rewrite the log, which would drop what those records need.
     */
    private static final String DEPENDENCIES_FILE = "LOG_DEPENDENCIES";

    private DirectoryMarkers() {
    }

    /** See {@link KvStore#recordedEngine}. */
    static Optional<String> recordedEngine(Path dir, FileIo io) {
        Path marker = dir.resolve(ENGINE_FILE);
        if (!io.exists(marker)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(io.readAll(marker), java.nio.charset.StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new KvException(ErrorCode.IO_ERROR, "cannot read " + marker + ": " + e.getMessage(), e);
        }
    }

    /** Refuses to open a store of the other kind (lsm or not) than {@code engine}; records {@code engine}. */
    static void checkEngine(FileIo io, Path dir, String engine) throws IOException {
        Optional<String> recorded = recordedEngine(dir, io);
        boolean persistent = engine.equals(StorageEngines.LSM);
        if (recorded.isPresent() && recorded.get().equals(StorageEngines.LSM) != persistent) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "data directory " + dir + " holds a '" + recorded.get()
                + "' store and " + (persistent ? "the lsm engine cannot read ConcordKV's log"
                : "only the lsm engine can read its RocksDB files") + "; open it with engine '" + recorded.get() + "'");
        }
        if (recorded.isEmpty() || !recorded.get().equals(engine)) {
            io.replaceAtomically(dir.resolve(ENGINE_FILE),
                (engine + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /**
     * Records that the log may hold dependent records when {@code engine} names them and the store
     * keeps a log ({@code logged}); returns why the log must not be rewritten when the directory
     * says it may and {@code engine} does not.
     */
    static String checkDependencies(FileIo io, Path dir, StorageEngine engine, boolean logged)
        throws IOException {
        Path marker = dir.resolve(DEPENDENCIES_FILE);
        if (engine.logDependencies() != LogDependencies.NONE) {
            if (logged && !io.exists(marker)) {
                io.replaceAtomically(marker, ("records in this log may depend on earlier ones; compact it only "
                    + "through the layer that wrote it (the MVCC store)\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return null;
        }
        return io.exists(marker) ? "the log of " + dir + " may hold records that depend on earlier ones (an MVCC "
            + "store's history); compact or snapshot it through the MVCC store, not the plain store" : null;
    }
}
