package io.concordkv.txn.lock;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The wait-for graph of a lock table: a node for every owner with a waiting request, and an
 * edge from it to every owner it waits for (see {@link LockEntry} for which those are). A cycle
 * is a deadlock; it is broken by failing the request of the cycle's youngest owner (highest id)
 * with {@code DEADLOCK}, marking that owner failed and removing its node.
 *
 * <h2>Invariants</h2>
 * The edges of a node are exactly those its request's key implies right now: they are rewritten
 * under the key's stripe lock and this graph's lock in the same critical section that changes the
 * key's holders or queue, and a request is decided only under this lock. So a search, which also
 * runs under this lock, sees a consistent graph and finds no false cycles. A victim has no node
 * and, being marked failed, can never wait again, so it is never part of another cycle: exactly
 * one victim per cycle. Every change that adds an edge is followed by a search from the owners
 * that gained one, so the graph is acyclic whenever its lock is free; the periodic full search
 * is a backstop.
 *
 * <h2>Threads</h2>
 * Any thread, holding the lock taken with {@link #lock()}; a thread holding a stripe lock may
 * take it, never the reverse. Each edge remembers when it was added, so that a victim can measure
 * how long its deadlock went undetected.
 */
final class WaitForGraph {
    private static final Logger LOG = LoggerFactory.getLogger(WaitForGraph.class);

    private final ReentrantLock lock = new ReentrantLock();
    /** Waiting owner to its node. Guarded by {@code lock}. */
    private final Map<LockOwner, Node> nodes = new HashMap<>();

    /** A waiting request and the owners it waits for, each with the System.nanoTime it was added. */
    private static final class Node {
        final LockRequest request;
        Map<LockOwner, Long> edges = Map.of();

        Node(LockRequest request) {
            this.request = request;
        }
    }

    void lock() {
        lock.lock();
    }

    void unlock() {
        lock.unlock();
    }

    /**
     * Sets the edges of {@code request}'s owner to {@code blockers}, keeping the time of edges it
     * had already.
     *
     * @return whether an edge was added
     */
    boolean setEdges(LockRequest request, List<LockOwner> blockers, long nowNanos) {
        assert lock.isHeldByCurrentThread();
        Node node = nodes.get(request.owner);
        if (node == null || node.request != request) {
            node = new Node(request);
            nodes.put(request.owner, node);
        }
        Map<LockOwner, Long> next = new HashMap<>(blockers.size() * 2);
        boolean added = false;
        for (LockOwner blocker : blockers) {
            Long since = node.edges.get(blocker);
            if (since == null) {
                added = true;
                since = nowNanos;
            }
            next.put(blocker, since);
        }
        node.edges = next;
        return added;
    }

    /** Removes the node of {@code request}, if it still has one. */
    void remove(LockRequest request) {
        assert lock.isHeldByCurrentThread();
        Node node = nodes.get(request.owner);
        if (node != null && node.request == request) {
            nodes.remove(request.owner);
        }
    }

    /** Number of waiting owners. */
    int size() {
        assert lock.isHeldByCurrentThread();
        return nodes.size();
    }

    /**
     * Breaks every cycle reachable from {@code starts}, one victim per cycle.
     *
     * @return the requests of the victims, already failed; their threads must be woken
     */
    List<LockRequest> breakCycles(Collection<LockOwner> starts) {
        assert lock.isHeldByCurrentThread();
        List<LockRequest> victims = new ArrayList<>(0);
        for (Optional<List<LockOwner>> cycle = findCycle(starts); cycle.isPresent(); cycle = findCycle(starts)) {
            victims.add(failYoungest(cycle.get()));
        }
        return victims;
    }

    /** Breaks every cycle in the graph; see {@link #breakCycles}. */
    List<LockRequest> breakAllCycles() {
        assert lock.isHeldByCurrentThread();
        if (nodes.isEmpty()) {
            return List.of();
        }
        return breakCycles(new ArrayList<>(nodes.keySet()));
    }

    private Optional<List<LockOwner>> findCycle(Collection<LockOwner> starts) {
        Set<LockOwner> finished = new HashSet<>();
        for (LockOwner start : starts) {
            if (nodes.containsKey(start) && !finished.contains(start)) {
                Optional<List<LockOwner>> cycle = search(start, finished);
                if (cycle.isPresent()) {
                    return cycle;
                }
            }
        }
        return Optional.empty();
    }

    /** Depth-first search from {@code start}; a cycle is returned in edge order. */
    private Optional<List<LockOwner>> search(LockOwner start, Set<LockOwner> finished) {
        List<LockOwner> path = new ArrayList<>();
        Map<LockOwner, Integer> onPath = new HashMap<>();
        Deque<Iterator<LockOwner>> pending = new ArrayDeque<>();
        onPath.put(start, 0);
        path.add(start);
        pending.push(nodes.get(start).edges.keySet().iterator());
        while (!pending.isEmpty()) {
            Iterator<LockOwner> edges = pending.peek();
            if (!edges.hasNext()) {
                pending.pop();
                LockOwner done = path.remove(path.size() - 1);
                onPath.remove(done);
                finished.add(done);
                continue;
            }
            LockOwner next = edges.next();
            Integer at = onPath.get(next);
            if (at != null) {
                return Optional.of(new ArrayList<>(path.subList(at, path.size())));
            }
            Node node = nodes.get(next);
            if (node != null && !finished.contains(next)) {
                onPath.put(next, path.size());
                path.add(next);
                pending.push(node.edges.keySet().iterator());
            }
        }
        return Optional.empty();
    }

    /** Fails the youngest owner of {@code cycle} (in edge order; rotated here to start at it). */
    private LockRequest failYoungest(List<LockOwner> cycle) {
        int youngest = 0;
        long formed = nodes.get(cycle.get(cycle.size() - 1)).edges.get(cycle.get(0));
        for (int i = 0; i < cycle.size(); i++) {
            if (cycle.get(i).id() > cycle.get(youngest).id()) {
                youngest = i;
            }
            if (i + 1 < cycle.size()) {
                long since = nodes.get(cycle.get(i)).edges.get(cycle.get(i + 1));
                formed = since - formed > 0 ? since : formed;
            }
        }
        LockOwner victim = cycle.get(youngest);
        Collections.rotate(cycle, -youngest);
        String ids = cycle.stream().map(o -> Long.toString(o.id())).collect(Collectors.joining(" -> "))
            + " -> " + victim.id();
        KvException reason = new KvException(ErrorCode.DEADLOCK, "deadlock in wait-for cycle " + ids
            + ": owner " + victim.id() + " is the youngest and was chosen as the victim");
        Node node = nodes.remove(victim);
        node.request.failAsVictim(reason, formed);
        victim.fail(reason);
        LOG.debug("wait-for cycle {}: failing owner {}", ids, victim.id());
        return node.request;
    }
}
