package io.concordkv.txn.internal;

import io.concordkv.storage.EngineLimits;
import io.concordkv.txn.lock.StripedLockTable;
import java.util.function.Consumer;

/**
 * What an interactive transaction needs from its store: the commit path, the reader, the lock
 * table, the size limits, and a callback for when it ends. Immutable.
 */
public record TxnContext(CommitSequencer sequencer, VersionReader reader, StripedLockTable locks,
                         EngineLimits limits, Consumer<InteractiveTxn> onEnd, TxnCounters counters) {
}
