package io.concordkv.server.apply;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.lease.LeaseTable;
import io.concordkv.server.lease.LeaseWriter;
import io.concordkv.txn.Compare;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.MvccStore;
import io.concordkv.txn.TxnOp;
import io.concordkv.txn.TxnRequest;
import io.concordkv.txn.TxnResponse;
import io.concordkv.txn.WriteResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Applies write commands to the node's MVCC store and lease table. Results: {@link WriteResult}
 * for puts and deletes, {@link TxnResponse}, {@link io.concordkv.txn.CompactionReport}, the
 * lease id (a {@code Long}) for a grant, the revision (a {@code Long}) for a revoke.
 *
 * <p>Snapshots, for a replicated log: {@link #snapshot} is an image of the store (format in
 * {@code io.concordkv.txn}), lease records included, as of the last command applied;
 * {@link #restore} replaces the store's state with one, reloads the leases from its records (each
 * expiry timer restarted from now with its TTL) and attaches their keys; the watch hub, told by
 * the store, cancels every watcher as compacted. Both run with no command being applied: commands
 * hold the apply lock shared while they apply (an asynchronous one while it numbers its commit),
 * snapshots and restores hold it exclusively. Thread-safe.
 */
public final class KvStateMachine {
    /** How often a put that keeps the value or lease retries when the key changes under it. */
    private static final int KEEP_ATTEMPTS = 64;

    private final MvccStore store;
    private final LeaseTable leases;
    private final LeaseWriter leaseWriter;
    private final java.util.concurrent.Executor blocking;
    /** Shared by commands being applied, exclusive for snapshots and restores. */
    private final ReentrantReadWriteLock applying = new ReentrantReadWriteLock();
    /** The size of the last image built by {@link #snapshotLater}. */
    private volatile long lastImageBytes;

    /** @param blocking runs, for {@link #applyAsync}, the commands that block (waits for fsyncs, retries) */
    public KvStateMachine(MvccStore store, LeaseTable leases, LeaseWriter leaseWriter,
                          java.util.concurrent.Executor blocking) {
        this.store = store;
        this.leases = leases;
        this.leaseWriter = leaseWriter;
        this.blocking = blocking;
    }

    /**
     * As {@link #apply}, never blocking the caller: puts without ignore flags, deletes and
     * conditional transactions complete without a thread waiting for the fsync; the other
     * commands run on the blocking executor.
     */
    public CompletableFuture<Object> applyAsync(WriteCommand command) {
        applying.readLock().lock();
        try {
            if (command instanceof WriteCommand.Put p && !p.ignoreValue() && !p.ignoreLease()) {
                return widen(leases.attaching(List.of(Map.entry(p.key(), p.lease())),
                    () -> store.putAsync(p.key(), p.value(), p.lease())));
            } else if (command instanceof WriteCommand.DeleteRange d) {
                return widen(store.deleteRangeAsync(d.keys()));
            } else if (command instanceof WriteCommand.Txn t) {
                return widen(leases.attaching(attachments(t.request()), () -> store.txnAsync(t.request())));
            }
            return CompletableFuture.supplyAsync(() -> apply(command), blocking);
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        } finally {
            applying.readLock().unlock();
        }
    }

    /** {@code f} as a future of Object, without a stage of its own: a put's answer passes through a handful already. */
    @SuppressWarnings("unchecked")
    private static CompletableFuture<Object> widen(CompletableFuture<?> f) {
        return (CompletableFuture<Object>) f;
    }

    public Object apply(WriteCommand command) {
        applying.readLock().lock();
        try {
            return applyLocked(command);
        } finally {
            applying.readLock().unlock();
        }
    }

    private Object applyLocked(WriteCommand command) {
        if (command instanceof WriteCommand.Put p) {
            return put(p);
        } else if (command instanceof WriteCommand.DeleteRange d) {
            return store.deleteRange(d.keys());
        } else if (command instanceof WriteCommand.Txn t) {
            return txn(t.request());
        } else if (command instanceof WriteCommand.Compact c) {
            return store.compact(c.revision());
        } else if (command instanceof WriteCommand.LeaseGrant g) {
            return leaseWriter.grant(g.id(), g.ttlSeconds());
        } else if (command instanceof WriteCommand.LeaseRevoke r) {
            return leaseWriter.revoke(r.id());
        } else if (command instanceof WriteCommand.LeaseKeepAlive k) {
            return leases.keepAlive(k.id());
        }
        throw new KvException(ErrorCode.INTERNAL, "unknown command " + command);
    }

    /**
     * An image of the state as of the last command applied (commands numbered but still waiting
     * for their fsync included); commands wait while it is written.
     */
    public byte[] snapshot() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        snapshot(out);
        return out.toByteArray();
    }

    /**
     * Captures the state as of the last command applied and returns what builds its image, on
     * any thread, while later commands are applied (the store's image at the captured revision,
     * its lease records as they were then).
     */
    public java.util.function.Supplier<byte[]> snapshotLater() {
        io.concordkv.txn.ImageCapture capture;
        applying.writeLock().lock();
        try {
            capture = store.captureImage();
        } finally {
            applying.writeLock().unlock();
        }
        return () -> {
            // sized like the last image, so the buffer seldom grows (each growth copies it all)
            ByteArrayOutputStream out = new ByteArrayOutputStream((int) Math.min(Integer.MAX_VALUE - 8,
                lastImageBytes + lastImageBytes / 8 + 4096));
            capture.writeTo(out);
            lastImageBytes = out.size();
            return out.toByteArray();
        };
    }

    /** As {@link #snapshot()}, written to {@code out} (flushed, not closed). */
    public void snapshot(OutputStream out) {
        applying.writeLock().lock();
        try {
            store.writeImage(out);
        } finally {
            applying.writeLock().unlock();
        }
    }

    /**
     * Replaces the whole state with {@code image} (from {@link #snapshot}, on any member): the
     * store's data and revisions, the leases (expiry restarted from now with each TTL) and the
     * keys they hold; watchers are cancelled as compacted. Commands wait until it is done.
     *
     * @throws KvException as {@link MvccStore#restoreImage}; a damaged image changes nothing
     */
    public void restore(byte[] image) {
        restore(new ByteArrayInputStream(image));
    }

    /** As {@link #restore(byte[])}, reading the image from {@code image} to its end. */
    public void restore(InputStream image) {
        applying.writeLock().lock();
        try {
            store.restoreImage(image);
            leases.reset(store.scanSystem(LeaseTable.PREFIX));
            leaseWriter.attachExisting(store.currentRevision());
        } finally {
            applying.writeLock().unlock();
        }
    }

    private TxnResponse txn(TxnRequest request) {
        return join(leases.attaching(attachments(request), () -> store.txnAsync(request)));
    }

    /** Waits for {@code f}; its failure is thrown as the {@link KvException} it is. */
    private static <T> T join(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof KvException kv) {
                throw kv;
            }
            throw e;
        }
    }

    /** Key and lease of every put the transaction may make (either branch). */
    private static List<Map.Entry<Bytes, Long>> attachments(TxnRequest request) {
        List<Map.Entry<Bytes, Long>> out = new ArrayList<>();
        for (List<TxnOp> branch : List.of(request.success(), request.failure())) {
            for (TxnOp op : branch) {
                if (op instanceof TxnOp.Put p) {
                    out.add(Map.entry(p.key(), p.lease()));
                }
            }
        }
        return out;
    }

    private WriteResult put(WriteCommand.Put p) {
        if (!p.ignoreValue() && !p.ignoreLease()) {
            return join(leases.attaching(List.of(Map.entry(p.key(), p.lease())),
                () -> store.putAsync(p.key(), p.value(), p.lease())));
        }
        for (int attempt = 0; attempt < KEEP_ATTEMPTS; attempt++) {
            Optional<KeyVersion> current = store.get(p.key());
            if (current.isEmpty()) {
                // etcd answers InvalidArgument here (ErrGRPCKeyNotFound): the request asks to keep what is not there
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "etcdserver: key not found");
            }
            KeyVersion kv = current.get();
            Bytes value = p.ignoreValue() ? kv.value() : p.value();
            long lease = p.ignoreLease() ? kv.lease() : p.lease();
            TxnRequest keep = new TxnRequest(List.of(Compare.modRevision(p.key(), Compare.Op.EQUAL, kv.modRevision())),
                List.of(new TxnOp.Put(p.key(), value, lease, true)), List.of());
            TxnResponse r = txn(keep);
            if (r.succeeded()) {
                return new WriteResult(r.revision(), List.of(kv));
            }
        }
        throw new KvException(ErrorCode.CONFLICT, "key " + p.key() + " kept changing; put again");
    }
}
