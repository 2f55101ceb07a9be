package io.concordkv.server.lease;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.ScanRange;
import io.concordkv.server.service.KeyRanges;
import io.concordkv.txn.Compare;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.MvccStore;
import io.concordkv.txn.TxnOp;
import io.concordkv.txn.TxnRequest;
import io.concordkv.txn.TxnResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Grants and revokes leases: the lease record and the table entry, and on revoke the deletion of
 * every key the lease holds as one revision. Calls are serialised (one lease change at a time).
 * Thread-safe.
 */
public final class LeaseWriter {
    /** Revokes retry this often when a key changes lease between the read and the delete. */
    private static final int REVOKE_ATTEMPTS = 16;
    /** The longest TTL a lease may have, in seconds: etcd's {@code MaxLeaseTTL}. */
    public static final long MAX_TTL_SECONDS = 9_000_000_000L;

    private final MvccStore store;
    private final LeaseTable table;
    private final RandomGenerator ids;
    private final long maxTtlSeconds;

    public LeaseWriter(MvccStore store, LeaseTable table, RandomGenerator ids, long maxTtlSeconds) {
        this.store = store;
        this.table = table;
        this.ids = ids;
        this.maxTtlSeconds = maxTtlSeconds;
    }

    /**
     * Grants a lease of {@code ttlSeconds} (at least 1); {@code id} 0 picks a fresh positive id.
     *
     * @throws KvException {@code ALREADY_EXISTS} when {@code id} is taken, {@code INVALID_ARGUMENT}
     *     for a negative id or a TTL over the maximum
     */
    public synchronized long grant(long id, long ttlSeconds) {
        if (id < 0) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "lease id must be positive, got " + id);
        }
        if (ttlSeconds > maxTtlSeconds) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "etcdserver: too large lease TTL");
        }
        long chosen = id;
        while (chosen == 0 || (id == 0 && table.exists(chosen))) {
            chosen = ids.nextLong(1, Long.MAX_VALUE);
        }
        if (table.exists(chosen)) {
            throw new KvException(ErrorCode.ALREADY_EXISTS, "etcdserver: lease already exists");
        }
        long ttl = Math.max(1, ttlSeconds);
        store.putSystem(LeaseTable.recordName(chosen), LeaseTable.recordValue(ttl));
        table.add(chosen, ttl);
        return chosen;
    }

    /**
     * Deletes the keys {@code id} holds (in one revision, each only while it still holds that
     * lease), then the lease. Returns the revision of the deletion (the current one when it held
     * no keys).
     *
     * @throws KvException {@code NOT_FOUND} when there is no such lease
     */
    public synchronized long revoke(long id) {
        if (!table.exists(id)) {
            throw LeaseTable.notFound(id);
        }
        long revision = store.currentRevision();
        List<Bytes> keys = table.revoking(id);
        for (int attempt = 0; ; attempt++) {
            if (keys.isEmpty()) {
                break;
            }
            List<Compare> held = new ArrayList<>();
            List<TxnOp> deletes = new ArrayList<>();
            for (Bytes key : holding(keys, id)) {
                held.add(Compare.lease(key, Compare.Op.EQUAL, id));
                deletes.add(TxnOp.DeleteRange.key(key));
            }
            TxnResponse r = store.txn(new TxnRequest(held, deletes, List.of()));
            if (r.succeeded()) {
                revision = r.revision();
                break;
            }
            if (attempt == REVOKE_ATTEMPTS) {
                throw new KvException(ErrorCode.CONFLICT, "lease " + id + " keys kept changing; revoke again");
            }
            keys = table.keysOf(id);
        }
        store.deleteSystem(LeaseTable.recordName(id));
        table.remove(id);
        return revision;
    }

    /**
     * Those of {@code keys} whose newest version holds lease {@code id}: read with a conditional
     * transaction, which sees the newest state, writes still waiting for their fsync included.
     */
    private List<Bytes> holding(List<Bytes> keys, long id) {
        List<TxnOp> reads = new ArrayList<>();
        for (Bytes key : keys) {
            reads.add(new TxnOp.Range(KeyRanges.single(key)));
        }
        TxnResponse r = store.txn(new TxnRequest(List.of(), reads, List.of()));
        List<Bytes> out = new ArrayList<>();
        for (TxnResponse.OpResult result : r.results()) {
            for (KeyVersion kv : ((TxnResponse.RangeResponse) result).range().kvs()) {
                if (kv.lease() == id) {
                    out.add(kv.key());
                }
            }
        }
        return out;
    }

    /** Keys attached to the lease at start-up: read once, before the table follows the change feed. */
    public void attachExisting(long revision) {
        // in pages, so that a store larger than memory (the lsm engine) is never held in memory whole
        ScanRange page = ScanRange.all().withLimit(ATTACH_PAGE);
        while (true) {
            io.concordkv.txn.RangeResult r = store.range(page, revision);
            table.attachAll(r.kvs());
            if (!r.more() || r.kvs().isEmpty()) {
                return;
            }
            Bytes last = r.kvs().get(r.kvs().size() - 1).key();
            page = ScanRange.from(Bytes.wrap(java.util.Arrays.copyOf(last.unsafeArray(), last.length() + 1)))
                .withLimit(ATTACH_PAGE);
        }
    }

    /** Keys read at a time when attaching keys to leases at start-up. */
    private static final int ATTACH_PAGE = 10_000;
}
