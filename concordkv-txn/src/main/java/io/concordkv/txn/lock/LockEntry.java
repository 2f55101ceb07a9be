package io.concordkv.txn.lock;

import io.concordkv.api.Bytes;
import io.concordkv.api.KvException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The lock state of one key: who holds it in which mode, and the queue of requests waiting for
 * it. It exists while the key has a holder or a queued request; its {@link LockStripe} drops it
 * when both are gone.
 *
 * <h2>Queue order and grants</h2>
 * Upgrades (a {@code SHARED} holder asking for {@code EXCLUSIVE}) queue ahead of every ordinary
 * request, in arrival order among themselves; ordinary requests queue in arrival order. Grants
 * go strictly from the head: a request is granted only once everything ahead of it was, so a
 * writer queued behind readers is not overtaken by readers that come later. An upgrade is granted
 * when its owner is the only holder. A new request is granted at once only if it is compatible
 * with every holder and no request is waiting (an upgrade: if its owner is the only holder).
 *
 * <h2>Wait-for edges</h2>
 * A waiting request's owner waits for every other owner that holds the key in an incompatible
 * mode and for every other owner whose waiting request ahead of it in the queue is for an
 * incompatible mode. {@link #settle} writes exactly these edges to the graph.
 *
 * <h2>Threads</h2>
 * Not thread-safe: every method requires the lock of the entry's stripe. The methods given the
 * {@link WaitForGraph} take its lock themselves, under the stripe lock.
 */
final class LockEntry {
    final Bytes key;
    private final Map<LockOwner, LockMode> holders = new HashMap<>(4);
    /** Requests in grant order; may hold decided requests not yet pruned (see {@link #settle}). */
    private final List<LockRequest> queue = new ArrayList<>(2);

    LockEntry(Bytes key) {
        this.key = key;
    }

    boolean isEmpty() {
        return holders.isEmpty() && queue.isEmpty();
    }

    boolean hasQueue() {
        return !queue.isEmpty();
    }

    boolean holds(LockOwner owner) {
        return holders.containsKey(owner);
    }

    /** Whether {@code owner} already holds a lock that satisfies {@code mode}. */
    boolean covers(LockOwner owner, LockMode mode) {
        LockMode held = holders.get(owner);
        return held != null && held.covers(mode);
    }

    /** Whether a request of {@code owner} for {@code mode}, not covered already, can be granted now. */
    boolean grantableNow(LockOwner owner, LockMode mode) {
        if (holders.containsKey(owner)) {
            return holders.size() == 1;
        }
        for (LockRequest request : queue) {
            if (request.isWaiting()) {
                return false;
            }
        }
        return compatibleWithHolders(owner, mode);
    }

    /** Makes {@code owner} a holder in {@code mode} (replacing a shared hold on an upgrade). */
    void addHolder(LockOwner owner, LockMode mode) {
        holders.put(owner, mode);
    }

    /** Removes {@code owner} as a holder; whether it was one. */
    boolean removeHolder(LockOwner owner) {
        return holders.remove(owner) != null;
    }

    /** Queues {@code request}: an upgrade after the upgrades already queued, otherwise last. */
    void enqueue(LockRequest request) {
        int at = queue.size();
        if (request.upgrade) {
            at = 0;
            while (at < queue.size() && queue.get(at).upgrade) {
                at++;
            }
        }
        queue.add(at, request);
        request.queued = true;
    }

    /**
     * Fails every waiting request with {@code reason} and prunes the queue.
     *
     * @param decided receives the requests failed here, whose threads must be woken
     */
    void failWaiting(KvException reason, WaitForGraph graph, LockTableCounters counters,
        List<LockRequest> decided) {
        graph.lock();
        try {
            for (LockRequest request : queue) {
                if (request.isWaiting()) {
                    request.fail(reason);
                    graph.remove(request);
                    decided.add(request);
                }
            }
            settle(graph, counters, decided);
        } finally {
            graph.unlock();
        }
    }

    /**
     * After a change to the holders or the queue: prunes decided requests, grants from the head
     * of the queue, rewrites the queue's wait-for edges and breaks any cycle that formed, until
     * nothing changes (a victim queued here is pruned in the next round, which may grant more).
     *
     * @param decided receives the requests granted or failed here, whose threads must be woken
     */
    void settle(WaitForGraph graph, LockTableCounters counters, List<LockRequest> decided) {
        graph.lock();
        try {
            boolean again = true;
            while (again) {
                counters.locksTaken(grantFromQueue(graph, decided));
                List<LockOwner> gained = updateEdges(graph, System.nanoTime());
                List<LockRequest> victims = gained.isEmpty() ? List.of() : graph.breakCycles(gained);
                counters.deadlocks(victims.size());
                decided.addAll(victims);
                again = victims.stream().anyMatch(victim -> victim.entry == this);
            }
        } finally {
            graph.unlock();
        }
    }

    /**
     * Prunes decided requests (failed by a timeout, an abort or the deadlock detector) from the
     * queue and grants waiting requests from the head for as long as they are grantable. A
     * grant is refused if its owner failed meanwhile; the request then fails with that failure.
     *
     * @param decided receives the requests granted or refused here, whose threads must be woken
     * @return how many new (owner, key) holds were granted; upgrades do not count
     */
    private int grantFromQueue(WaitForGraph graph, List<LockRequest> decided) {
        int newHolds = 0;
        boolean blocked = false;
        for (Iterator<LockRequest> it = queue.iterator(); it.hasNext();) {
            LockRequest request = it.next();
            if (request.isWaiting() && (blocked || !grantableFromQueue(request))) {
                blocked = true;
                continue;
            }
            it.remove();
            request.queued = false;
            graph.remove(request);
            if (!request.isWaiting()) {
                continue;
            }
            Optional<KvException> refused = request.owner.recordGrant(key);
            if (refused.isPresent()) {
                request.fail(refused.get());
            } else {
                holders.put(request.owner, request.mode);
                request.grant();
                newHolds += request.upgrade ? 0 : 1;
            }
            decided.add(request);
        }
        return newHolds;
    }

    /**
     * Writes the wait-for edges of every waiting request in the queue to the graph.
     *
     * @return the owners that gained an edge: any new cycle passes through one of them
     */
    private List<LockOwner> updateEdges(WaitForGraph graph, long nowNanos) {
        List<LockOwner> gained = new ArrayList<>(0);
        for (int i = 0; i < queue.size(); i++) {
            LockRequest request = queue.get(i);
            if (!request.isWaiting()) {
                continue;
            }
            List<LockOwner> blockers = new ArrayList<>(holders.size() + i);
            holders.forEach((holder, held) -> {
                if (holder != request.owner && !held.compatibleWith(request.mode)) {
                    blockers.add(holder);
                }
            });
            for (int j = 0; j < i; j++) {
                LockRequest ahead = queue.get(j);
                if (ahead.isWaiting() && ahead.owner != request.owner
                    && !ahead.mode.compatibleWith(request.mode) && !blockers.contains(ahead.owner)) {
                    blockers.add(ahead.owner);
                }
            }
            if (graph.setEdges(request, blockers, nowNanos)) {
                gained.add(request.owner);
            }
        }
        return gained;
    }

    private boolean grantableFromQueue(LockRequest request) {
        if (request.upgrade) {
            return holders.size() == 1 && holders.containsKey(request.owner);
        }
        return compatibleWithHolders(request.owner, request.mode);
    }

    private boolean compatibleWithHolders(LockOwner owner, LockMode mode) {
        for (Map.Entry<LockOwner, LockMode> holder : holders.entrySet()) {
            if (holder.getKey() != owner && !holder.getValue().compatibleWith(mode)) {
                return false;
            }
        }
        return true;
    }
}
