package io.concordkv.server.apply;

import io.concordkv.storage.ScanRange;
import io.concordkv.txn.TxnRequest;

/**
 * Every change a node makes to its data, as a command of the apply path: front ends build
 * commands, the {@link CommandLog} orders them, the {@link KvStateMachine} applies them in that
 * order. Deterministic: applying the same commands in the same order gives the same state (lease
 * ids are chosen before a grant is logged), which is what lets a consensus log feed them later.
 */
public sealed interface WriteCommand {
    /** A put; {@code ignoreValue}/{@code ignoreLease} keep the current value or lease. */
    record Put(io.concordkv.api.Bytes key, io.concordkv.api.Bytes value, long lease, boolean ignoreValue,
               boolean ignoreLease) implements WriteCommand {
    }

    record DeleteRange(ScanRange keys) implements WriteCommand {
    }

    record Txn(TxnRequest request) implements WriteCommand {
    }

    record Compact(long revision) implements WriteCommand {
    }

    /** Grants lease {@code id} (0: the state machine picks one) of {@code ttlSeconds}. */
    record LeaseGrant(long id, long ttlSeconds) implements WriteCommand {
    }

    record LeaseRevoke(long id) implements WriteCommand {
    }

    /** Restarts a lease's TTL (logged in a cluster, so every member and any later leader sees it). */
    record LeaseKeepAlive(long id) implements WriteCommand {
    }
}
