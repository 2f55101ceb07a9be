package io.concordkv.storage.internal;

import io.concordkv.api.KvException;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.WriteTicket;
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

    /**
     * Queues {@code batch} behind every batch submitted before it (log order, and apply order,
     * is submission order) and returns without waiting for an fsync; the ticket's
     * {@link WriteTicket#await} returns when the batch is visible and as durable as promised.
     * Callers that must order their writes submit under their own lock and await outside it.
     */
    WriteTicket submit(WriteBatch batch);

    /** Syncs when the batch policy's interval has passed; a timer calls it. */
    void syncIfDue();

    /**
     * Makes every write applied so far durable, whatever the fsync policy: a barrier for callers
     * that must know a sequence of writes survives a crash before they go on.
     */
    void sync();

    /** Syncs what was written and refuses further writes. */
    void shutdown() throws IOException;

    /** Why writes are refused, if they are. */
    Optional<KvException> failure();
}
