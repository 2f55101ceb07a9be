package io.concordkv.txn.lock;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The lock table of pessimistic transactions: shared and exclusive locks on keys, granted in
 * FIFO order, with deadlock detection on a wait-for graph. See the package documentation for the
 * invariants and the lock order.
 *
 * <p>Keys hash to {@link LockTableOptions#stripes()} stripes, each with its own lock, so
 * transactions that lock different keys seldom contend. A request that cannot be granted is
 * queued and its thread parks (holding no lock) until it is granted, fails as a deadlock victim,
 * times out, is aborted or withdrawn, or the table closes.
 *
 * <h2>Threads</h2>
 * Every method may be called from any thread. The calls for one owner must come from one thread
 * at a time, with two exceptions: {@link #abort} and {@link #releaseAll} may be called from
 * another thread while the owner waits, and wake it. To be sure that an owner holds nothing
 * afterwards while its own thread may still be calling {@link #acquire}, call {@link #abort}
 * before {@link #releaseAll}: an aborted owner is granted nothing more.
 */
public final class StripedLockTable implements AutoCloseable {
    private final WaitForGraph graph = new WaitForGraph();
    private final LockTableCounters counters = new LockTableCounters();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final LockStripe[] stripes;
    private final DeadlockDetector detector;

    /** Builds the table and starts its background deadlock detector. */
    public StripedLockTable(LockTableOptions options) {
        Objects.requireNonNull(options, "options");
        stripes = new LockStripe[options.stripes()];
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new LockStripe(graph, counters, closed::get);
        }
        detector = new DeadlockDetector(graph, options.deadlockCheckInterval(), victims -> {
            counters.deadlocks(victims.size());
            LockStripe.wake(victims);
        });
    }

    /**
     * Blocks until {@code owner} holds {@code key} in {@code mode}. Re-entrant: holding
     * {@code EXCLUSIVE} satisfies {@code SHARED}, and a {@code SHARED} holder asking for
     * {@code EXCLUSIVE} upgrades, ahead of ordinary waiters, once it is the only holder. The wait
     * is not interruptible; an interrupt is kept for the caller.
     *
     * @param timeout the longest wait; {@link Duration#ZERO} fails at once if not grantable
     * @throws KvException {@code DEADLOCK} if the owner was (or is now) chosen as a deadlock
     *     victim; {@code LOCK_TIMEOUT} when the timeout passes; {@code CLOSED} once the table is
     *     closed; the reason given to {@link #abort}; {@code TXN_NOT_ACTIVE} if another thread
     *     called {@link #releaseAll} for the owner while it waited; {@code INVALID_ARGUMENT} for a
     *     negative timeout
     */
    public void acquire(LockOwner owner, Bytes key, LockMode mode, Duration timeout) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative()) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "negative lock timeout " + timeout);
        }
        long startNanos = System.nanoTime();
        LockStripe stripe = stripeFor(key);
        Optional<LockRequest> queued = stripe.grantOrEnqueue(owner, key, mode, timeout);
        if (queued.isEmpty()) {
            return;
        }
        LockRequest request = queued.get();
        long timeoutNanos = saturatedNanos(timeout);
        while (!request.awaitDecision(startNanos, timeoutNanos)) {
            if (stripe.withdraw(request, timeout(owner, mode, timeout))) {
                counters.timedOut();
            }
        }
        owner.stopWaiting(request);
        if (request.isGranted()) {
            return;
        }
        request.cycleFormedNanos().ifPresent(formed -> counters.detectionLatency(System.nanoTime() - formed));
        stripe.withdraw(request, request.failure());
        throw request.failure();
    }

    /**
     * Withdraws the request {@code owner} waits on (its {@code acquire} then throws the owner's
     * abort reason, or {@code TXN_NOT_ACTIVE}), releases every lock it holds and grants what
     * became grantable. Idempotent. It does not clear an abort or deadlock mark.
     */
    public void releaseAll(LockOwner owner) {
        Objects.requireNonNull(owner, "owner");
        owner.waitingRequest().ifPresent(request -> stripeFor(request.entry.key).withdraw(request,
            owner.failure().orElseGet(() -> new KvException(ErrorCode.TXN_NOT_ACTIVE,
                "the locks of owner " + owner.id() + " were released while it waited"))));
        Map<LockStripe, List<Bytes>> byStripe = new LinkedHashMap<>();
        for (Bytes key : owner.heldKeys()) {
            byStripe.computeIfAbsent(stripeFor(key), s -> new ArrayList<>()).add(key);
        }
        byStripe.forEach((stripe, keys) -> stripe.release(owner, keys));
    }

    /**
     * Marks {@code owner} aborted: if it waits, its {@code acquire} throws {@code reason} at once,
     * and every later {@code acquire} throws it too. The locks it holds stay held until
     * {@link #releaseAll}. If the owner is already aborted or a deadlock victim, the first reason
     * stays the one later acquires throw.
     */
    public void abort(LockOwner owner, KvException reason) {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(reason, "reason");
        owner.fail(reason).ifPresent(request -> stripeFor(request.entry.key).withdraw(request, reason));
    }

    /** The counters now; see {@link LockTableStats}. */
    public LockTableStats stats() {
        return counters.snapshot();
    }

    /**
     * Stops the background detector and fails every waiting request with {@code CLOSED}; later
     * acquires fail with {@code CLOSED}. Locks held stay held until released. Idempotent.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        detector.close();
        KvException reason = new KvException(ErrorCode.CLOSED, "the lock table is closed");
        for (LockStripe stripe : stripes) {
            stripe.failWaiting(reason);
        }
    }

    /** Number of keys with a lock entry (held or waited for); a diagnostic for leak checks. */
    int entryCount() {
        int count = 0;
        for (LockStripe stripe : stripes) {
            count += stripe.size();
        }
        return count;
    }

    /** Number of owners in the wait-for graph; a diagnostic for leak checks. */
    int waitingOwnerCount() {
        graph.lock();
        try {
            return graph.size();
        } finally {
            graph.unlock();
        }
    }

    static KvException timeout(LockOwner owner, LockMode mode, Duration timeout) {
        return new KvException(ErrorCode.LOCK_TIMEOUT,
            "owner " + owner.id() + " was not granted a " + mode + " lock within " + timeout);
    }

    /** {@code duration} in nanoseconds, or {@code Long.MAX_VALUE} if it does not fit. */
    static long saturatedNanos(Duration duration) {
        try {
            return duration.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    private LockStripe stripeFor(Bytes key) {
        int h = key.hashCode();
        return stripes[(h ^ (h >>> 16)) & (stripes.length - 1)];
    }
}
