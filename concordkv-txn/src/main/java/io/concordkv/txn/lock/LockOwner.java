package io.concordkv.txn.lock;

import io.concordkv.api.Bytes;
import io.concordkv.api.KvException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * One transaction as seen by the lock table. A higher id means a younger transaction: the
 * transaction layer hands ids out in begin order, and the deadlock detector breaks a cycle by
 * failing its youngest owner, which has the least work to lose.
 *
 * <p>Owners are compared by identity, not by id. An owner belongs to one {@link StripedLockTable}.
 *
 * <h2>Threads</h2>
 * {@link #id()} may be called from any thread. The rest of the state is the lock table's: the
 * keys held, the request waited on and the failure are guarded by a private monitor that is the
 * innermost lock of the package (taken last, after a stripe lock and the graph lock, and never
 * held while taking another), so the table may update an owner from any thread: the owner's own,
 * one that releases a key it waits for, the deadlock detector, or one that aborts it.
 */
public final class LockOwner {
    private final long id;
    private final Object monitor = new Object();

    /** Keys this owner holds a lock on, in any mode. Guarded by {@code monitor}. */
    private final Set<Bytes> held = new HashSet<>();
    /** The request this owner's {@code acquire} waits on, or null. Guarded by {@code monitor}. */
    private LockRequest waiting;
    /**
     * Why this owner may take no more locks (it was chosen as a deadlock victim, or aborted), or
     * null. Set once, under {@code monitor}; the first failure sticks.
     */
    private volatile KvException failure;

    public LockOwner(long id) {
        this.id = id;
    }

    /** The transaction id: higher is younger. */
    public long id() {
        return id;
    }

    /** The failure that bars this owner from taking locks, if any. */
    Optional<KvException> failure() {
        return Optional.ofNullable(failure);
    }

    /**
     * Records that {@code key} was granted, unless the owner has failed meanwhile.
     *
     * @return the failure that refused the grant, or empty if it was recorded
     */
    Optional<KvException> recordGrant(Bytes key) {
        synchronized (monitor) {
            if (failure != null) {
                return Optional.of(failure);
            }
            held.add(key);
            return Optional.empty();
        }
    }

    /**
     * Makes {@code request} the one this owner waits on, unless the owner has failed: checking the
     * failure and publishing the request in one step is what lets {@link #fail} find every request
     * made before it and refuse every request made after it.
     */
    Optional<KvException> startWaiting(LockRequest request) {
        synchronized (monitor) {
            if (failure != null) {
                return Optional.of(failure);
            }
            waiting = request;
            return Optional.empty();
        }
    }

    /** Forgets {@code request} as the one waited on (called once it is granted or failed). */
    void stopWaiting(LockRequest request) {
        synchronized (monitor) {
            if (waiting == request) {
                waiting = null;
            }
        }
    }

    /** The request this owner waits on now, if any. */
    Optional<LockRequest> waitingRequest() {
        synchronized (monitor) {
            return Optional.ofNullable(waiting);
        }
    }

    /**
     * Bars this owner from further locks with {@code reason}, unless it already failed (the first
     * failure sticks).
     *
     * @return the request the owner waits on now, which the caller must withdraw
     */
    Optional<LockRequest> fail(KvException reason) {
        synchronized (monitor) {
            if (failure == null) {
                failure = reason;
            }
            return Optional.ofNullable(waiting);
        }
    }

    /** Forgets that {@code key} is held. */
    void recordRelease(Bytes key) {
        synchronized (monitor) {
            held.remove(key);
        }
    }

    /** A copy of the keys held now. */
    List<Bytes> heldKeys() {
        synchronized (monitor) {
            return new ArrayList<>(held);
        }
    }

    @Override
    public String toString() {
        return "LockOwner[" + id + "]";
    }
}
