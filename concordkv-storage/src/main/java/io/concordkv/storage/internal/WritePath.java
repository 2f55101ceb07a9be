package io.concordkv.storage.internal;

import io.concordkv.api.KvException;
import io.concordkv.storage.WriteBatch;
import java.io.IOException;
import java.util.Optional;

/**
 * How the embedded store makes a write durable and visible: through its own write-ahead log
 * ({@link GroupCommitWriter}) or through a persistent engine's own log ({@link EngineWritePath}).
 * Implementations are thread-safe.
 */
public interface WritePath {

    /** Makes {@code batch} durable per the fsync policy and visible; returns when both hold. */
    void commit(WriteBatch batch);

    /** Syncs when the batch policy's interval has passed; a timer calls it. */
    void syncIfDue();

    /** Syncs what was written and refuses further writes. */
    void shutdown() throws IOException;

    /** Why writes are refused, if they are. */
    Optional<KvException> failure();
}
