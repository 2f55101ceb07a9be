package io.concordkv.server.lease;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.KeyValue;
import io.concordkv.txn.ChangeEvent;
import io.concordkv.txn.KeyVersion;
import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * The leases of a node: their TTLs and expiry times, and which keys each one holds. Lease records
 * persist as system records {@code "lease/" + be64(id) -> be64(ttl seconds)}; expiry times do not
 * (after a restart every lease gets its whole TTL again plus {@link #RESTART_GRACE_MILLIS}, as
 * etcd extends leases after a leader change). Keys
 * are attached and detached from the change feed (the lease of each new version and of the version
 * it replaced), so the table follows every write however it was made. Thread-safe.
 */
public final class LeaseTable {
    /** The prefix of lease records among the MVCC store's system records. */
    public static final Bytes PREFIX = Bytes.utf8("lease/");
    /**
     * After a restart a lease lives its whole TTL plus this long, so that clients whose keep-alive
     * streams broke with the old process have time to reconnect (etcd likewise extends leases when
     * a new leader takes over).
     */
    static final long RESTART_GRACE_MILLIS = 5_000;

    private static final class Entry {
        final long id;
        final long ttlSeconds;
        volatile long expiresAtMillis;
        final Set<Bytes> keys = ConcurrentHashMap.newKeySet();
        /** Keys of writes that named the lease and are not yet complete, with how many. */
        final Map<Bytes, Integer> pending = new ConcurrentHashMap<>();
        /** Set by a revoke: no write may attach a key any more. */
        volatile boolean revoked;

        Entry(long id, long ttlSeconds, long expiresAtMillis) {
            this.id = id;
            this.ttlSeconds = ttlSeconds;
            this.expiresAtMillis = expiresAtMillis;
        }
    }

    private final Map<Long, Entry> leases = new ConcurrentHashMap<>();
    private final InstantSource clock;
    /** Writes that attach keys hold it shared while they check and number; a revoke takes it exclusively. */
    private final ReentrantReadWriteLock gate = new ReentrantReadWriteLock();

    public LeaseTable(InstantSource clock) {
        this.clock = clock;
    }

    static Bytes recordName(long id) {
        byte[] out = new byte[PREFIX.length() + 8];
        System.arraycopy(PREFIX.unsafeArray(), 0, out, 0, PREFIX.length());
        ByteBuffer.wrap(out, PREFIX.length(), 8).putLong(id);
        return Bytes.wrap(out);
    }

    static Bytes recordValue(long ttlSeconds) {
        return Bytes.wrap(ByteBuffer.allocate(8).putLong(ttlSeconds).array());
    }

    /**
     * Loads persisted lease records (from {@code MvccStore#scanSystem(PREFIX)}) at start-up, each
     * with its whole TTL plus the restart grace.
     */
    public void load(List<KeyValue> records) {
        for (KeyValue r : records) {
            add(idOf(r), ttlOf(r), RESTART_GRACE_MILLIS);
        }
    }

    /**
     * Replaces every lease with those of {@code records} (the store's state was replaced by an
     * image): each lease's expiry timer starts again from now with its whole TTL (the process did
     * not restart, so there is no grace), and no key is attached until the caller attaches the
     * keys of the new state. The caller holds writes that attach keys off.
     */
    public void reset(List<KeyValue> records) {
        gate.writeLock().lock();
        try {
            leases.clear();
            for (KeyValue r : records) {
                add(idOf(r), ttlOf(r), 0);
            }
        } finally {
            gate.writeLock().unlock();
        }
    }

    private static long idOf(KeyValue record) {
        return ByteBuffer.wrap(record.key().unsafeArray(), PREFIX.length(), 8).getLong();
    }

    private static long ttlOf(KeyValue record) {
        return ByteBuffer.wrap(record.value().unsafeArray()).getLong();
    }

    void add(long id, long ttlSeconds) {
        add(id, ttlSeconds, 0);
    }

    private void add(long id, long ttlSeconds, long graceMillis) {
        leases.put(id, new Entry(id, ttlSeconds, clock.millis() + ttlSeconds * 1000 + graceMillis));
    }

    void remove(long id) {
        leases.remove(id);
    }

    public boolean exists(long id) {
        return leases.containsKey(id);
    }

    /** Throws {@code NOT_FOUND} unless {@code id} is a live lease (0, no lease, always passes). */
    public void checkExists(long id) {
        if (id != 0) {
            Entry e = leases.get(id);
            if (e == null || e.revoked) {
                throw notFound(id);
            }
        }
    }

    /**
     * Runs a write that attaches keys to leases ({@code attach}: key and lease of each put) so that
     * it cannot race a revoke: the leases are checked and {@code write} numbers its commit while
     * revokes are held off, and each key counts as the lease's until the write completes (by then
     * the change feed has attached it). {@code write} must number its commit before returning (the
     * MVCC store's async writes do). Throws {@code NOT_FOUND} for a lease that is gone or going.
     */
    public <T> CompletableFuture<T> attaching(List<Map.Entry<Bytes, Long>> attach,
                                              Supplier<CompletableFuture<T>> write) {
        if (noLease(attach)) {
            return write.get(); // the usual put: no lease, no bookkeeping
        }
        List<Map.Entry<Bytes, Long>> named = attach.stream().filter(a -> a.getValue() != 0).toList();
        CompletableFuture<T> f;
        gate.readLock().lock();
        try {
            named.forEach(a -> checkExists(a.getValue()));
            named.forEach(a -> leases.get(a.getValue()).pending.merge(a.getKey(), 1, Integer::sum));
            try {
                f = write.get();
            } catch (RuntimeException e) {
                settle(named);
                throw e;
            }
        } finally {
            gate.readLock().unlock();
        }
        return f.whenComplete((r, e) -> settle(named));
    }

    private static boolean noLease(List<Map.Entry<Bytes, Long>> attach) {
        for (Map.Entry<Bytes, Long> a : attach) {
            if (a.getValue() != 0) {
                return false;
            }
        }
        return true;
    }

    private void settle(List<Map.Entry<Bytes, Long>> named) {
        for (Map.Entry<Bytes, Long> a : named) {
            Entry e = leases.get(a.getValue());
            if (e != null) {
                e.pending.computeIfPresent(a.getKey(), (k, n) -> n == 1 ? null : n - 1);
            }
        }
    }

    /**
     * Marks {@code id} revoked, so no write attaches to it any more, once every write that passed
     * its check has numbered its commit; returns every key that may hold it (attached, or written
     * by a write not yet complete).
     */
    List<Bytes> revoking(long id) {
        gate.writeLock().lock();
        try {
            Entry e = leases.get(id);
            if (e == null) {
                return List.of();
            }
            e.revoked = true;
        } finally {
            gate.writeLock().unlock();
        }
        return keysOf(id);
    }

    static KvException notFound(long id) {
        return new KvException(ErrorCode.NOT_FOUND, "etcdserver: requested lease not found");
    }

    /** Starts the TTL again; returns the TTL, or empty when the lease does not exist. */
    public Optional<Long> keepAlive(long id) {
        Entry e = leases.get(id);
        if (e == null) {
            return Optional.empty();
        }
        e.expiresAtMillis = clock.millis() + e.ttlSeconds * 1000;
        return Optional.of(e.ttlSeconds);
    }

    public Optional<Lease> describe(long id, boolean withKeys) {
        Entry e = leases.get(id);
        if (e == null) {
            return Optional.empty();
        }
        long remainingMillis = Math.max(0, e.expiresAtMillis - clock.millis());
        List<Bytes> keys = withKeys ? e.keys.stream().sorted().toList() : List.of();
        return Optional.of(new Lease(id, e.ttlSeconds, (remainingMillis + 999) / 1000, keys));
    }

    public List<Long> ids() {
        return leases.keySet().stream().sorted().toList();
    }

    /** The keys attached to {@code id} now, and those of writes naming it that are not yet complete. */
    List<Bytes> keysOf(long id) {
        Entry e = leases.get(id);
        if (e == null) {
            return List.of();
        }
        Set<Bytes> all = new java.util.TreeSet<>(e.keys);
        all.addAll(e.pending.keySet());
        return new ArrayList<>(all);
    }

    /** The leases whose TTL has run out. */
    public List<Long> expired() {
        long now = clock.millis();
        List<Long> out = new ArrayList<>();
        for (Entry e : leases.values()) {
            if (e.expiresAtMillis <= now) {
                out.add(e.id);
            }
        }
        return out;
    }

    /** Attaches the keys live at start-up (a full read of the key space) to their leases. */
    public void attachAll(List<KeyVersion> live) {
        for (KeyVersion kv : live) {
            attach(kv.lease(), kv.key());
        }
    }

    /** Follows one commit: detaches each key from the lease of the version it replaced, attaches it to its new one. */
    public void follow(List<ChangeEvent> changes) {
        for (ChangeEvent c : changes) {
            c.previous().ifPresent(p -> detach(p.lease(), p.key()));
            if (!c.deleted()) {
                attach(c.kv().lease(), c.kv().key());
            }
        }
    }

    private void attach(long id, Bytes key) {
        if (id != 0) {
            Entry e = leases.get(id);
            if (e != null) {
                e.keys.add(key);
            }
        }
    }

    private void detach(long id, Bytes key) {
        if (id != 0) {
            Entry e = leases.get(id);
            if (e != null) {
                e.keys.remove(key);
            }
        }
    }
}
