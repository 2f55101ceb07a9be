package io.concordkv.txn;

import io.concordkv.api.Bytes;
import io.concordkv.storage.ScanRange;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Checks a recorded history of committed transactions against what an isolation level promises,
 * from the operations themselves (not only the final state):
 * <ul>
 *   <li>every level: no read of an uncommitted or aborted write (each version read was committed,
 *       with that value), and each read saw exactly the committed state at the revision it was
 *       served at (a range: exactly the live keys);</li>
 *   <li>snapshot levels ({@code REPEATABLE_READ}, optimistic {@code SERIALIZABLE}): every read is
 *       served at the start revision, and no two committed transactions that overlap in time
 *       wrote the same key (first committer wins);</li>
 *   <li>{@code SERIALIZABLE}: the direct serialization graph (write-write, write-read and
 *       read-write edges, range reads included) has no cycle.</li>
 * </ul>
 * Writes must carry values unique across the history. Not thread-safe; build, then check.
 */
public final class HistoryChecker {
    /** A committed transaction (or the initial load, as a transaction with no reads). */
    public record Committed(long id, long start, long commit, List<TxnOperation> ops) {
    }

    private record Version(Bytes key, long revision, Bytes value) {
    }

    private final List<Committed> txns = new ArrayList<>();
    /** Transactions whose writes all turned out to change nothing (deletes of absent keys): no revision of theirs. */
    private final Set<Long> noRevision = new HashSet<>();
    /** key → (commit revision → value, null for a delete). */
    private final Map<Bytes, TreeMap<Long, Bytes>> versions = new HashMap<>();
    private final Map<Version, Committed> writerOf = new HashMap<>();

    public void add(Committed t) {
        txns.add(t);
    }

    /**
     * Says that transaction {@code id} wrote only deletes of keys absent when it committed, so
     * that it made no revision: its commit revision is one another transaction made (or none
     * made), and its deletes are no versions.
     */
    public void madeNoRevision(long id) {
        noRevision.add(id);
    }

    /**
     * Builds the committed versions: each transaction's last write per key at its commit revision.
     * A delete of a key that was not live changes nothing (the store uses no revision for it), so
     * it is left out; puts are placed first so that such a delete never hides one.
     */
    private void buildVersions() {
        versions.clear();
        writerOf.clear();
        List<Object[]> deletes = new ArrayList<>();
        for (Committed t : txns) {
            if (noRevision.contains(t.id())) {
                continue;
            }
            Map<Bytes, Bytes> finalWrites = new HashMap<>();
            for (TxnOperation op : t.ops()) {
                if (op.kind() == TxnOperation.Kind.PUT) {
                    finalWrites.put(op.key(), op.value().orElseThrow());
                } else if (op.kind() == TxnOperation.Kind.DELETE) {
                    finalWrites.put(op.key(), null);
                }
            }
            finalWrites.forEach((key, value) -> {
                if (value == null) {
                    deletes.add(new Object[] {t, key});
                } else {
                    versions.computeIfAbsent(key, k -> new TreeMap<>()).put(t.commit(), value);
                    writerOf.put(new Version(key, t.commit(), value), t);
                }
            });
        }
        deletes.sort(java.util.Comparator.comparingLong(d -> ((Committed) d[0]).commit()));
        for (Object[] d : deletes) {
            Committed t = (Committed) d[0];
            Bytes key = (Bytes) d[1];
            TreeMap<Long, Bytes> history = versions.computeIfAbsent(key, k -> new TreeMap<>());
            Map.Entry<Long, Bytes> before = history.lowerEntry(t.commit());
            if (!history.containsKey(t.commit()) && before != null && before.getValue() != null) {
                history.put(t.commit(), null);
                writerOf.put(new Version(key, t.commit(), null), t);
            }
        }
    }

    /** Problems found; empty if the history is valid at {@code level} ({@code snapshot}: reads at start). */
    public List<String> check(Isolation level, boolean snapshotReads) {
        buildVersions();
        List<String> problems = new ArrayList<>();
        checkReads(snapshotReads, problems);
        if (level != Isolation.READ_COMMITTED && snapshotReads) {
            checkFirstCommitterWins(problems);
        }
        if (level == Isolation.SERIALIZABLE) {
            findCycle().ifPresent(c -> problems.add("serialization graph cycle: " + c));
        }
        return problems;
    }

    /**
     * As {@link #check}, for transactions that commit by comparing what they read and write with
     * the state at their commit point (those of a replica, {@link ReplicatedCommits}): every read
     * saw the committed state at the revision it was served at (the start, for snapshot reads);
     * first committer wins holds by state — each key a snapshot transaction wrote was in the same
     * version (or absent) at its start and just before its commit; and under {@code SERIALIZABLE}
     * every read also holds just before the commit (at it, for a transaction that wrote nothing),
     * and with the reads placed there the serialization graph has no cycle. A key that others
     * created and deleted again meanwhile is no conflict here: the state at the commit point is
     * what counts.
     */
    public List<String> checkValidatedAtCommit(Isolation level, boolean snapshotReads) {
        buildVersions();
        List<String> problems = new ArrayList<>();
        checkReads(snapshotReads, problems);
        if (level != Isolation.READ_COMMITTED && snapshotReads) {
            checkWrittenKeysUnchangedSinceStart(problems);
        }
        if (level == Isolation.SERIALIZABLE) {
            List<Committed> served = new ArrayList<>(txns);
            txns.clear();
            served.forEach(t -> txns.add(readAtCommit(t)));
            try {
                buildVersions();
                checkReads(false, problems);
                findCycle().ifPresent(c -> problems.add("serialization graph cycle, reads at commit: " + c));
            } finally {
                txns.clear();
                txns.addAll(served);
                buildVersions();
            }
        }
        return problems;
    }

    private void checkReads(boolean snapshotReads, List<String> problems) {
        for (Committed t : txns) {
            Set<Bytes> own = new HashSet<>();
            for (TxnOperation op : t.ops()) {
                checkRead(t, op, own, snapshotReads, problems);
                if (op.kind() == TxnOperation.Kind.PUT || op.kind() == TxnOperation.Kind.DELETE) {
                    own.add(op.key());
                }
            }
        }
    }

    /** The revision whose state {@code t}'s commit was checked against: the one before its own, if it made one. */
    private long validatedAt(Committed t) {
        boolean wrote = t.ops().stream().anyMatch(op -> op.kind() == TxnOperation.Kind.PUT
            || op.kind() == TxnOperation.Kind.DELETE);
        return wrote && !noRevision.contains(t.id()) ? t.commit() - 1 : t.commit();
    }

    /** {@code t} with every read of the store moved to its commit point. */
    private Committed readAtCommit(Committed t) {
        long at = validatedAt(t);
        List<TxnOperation> ops = t.ops().stream().map(op -> op.readRevision() == 0 ? op
            : new TxnOperation(op.kind(), op.key(), op.end(), op.value(), op.read(), at)).toList();
        return new Committed(t.id(), t.start(), t.commit(), ops);
    }

    private void checkWrittenKeysUnchangedSinceStart(List<String> problems) {
        for (Committed t : txns) {
            if (t.start() == 0) {
                continue;
            }
            Set<Bytes> written = new HashSet<>();
            t.ops().stream().filter(op -> op.kind() == TxnOperation.Kind.PUT || op.kind() == TxnOperation.Kind.DELETE)
                .forEach(op -> written.add(op.key()));
            for (Bytes key : written) {
                TreeMap<Long, Bytes> history = versions.getOrDefault(key, new TreeMap<>());
                java.util.Optional<Long> atStart = liveAt(history, t.start());
                java.util.Optional<Long> beforeCommit = liveAt(history, validatedAt(t));
                if (!atStart.equals(beforeCommit)) {
                    problems.add("txn " + t.id() + " wrote " + key + ", live as " + atStart + " at its start "
                        + t.start() + " but as " + beforeCommit + " before its commit " + t.commit());
                }
            }
        }
    }

    /** {@code own}: keys the transaction wrote before this operation (a read of them sees its own write). */
    private void checkRead(Committed t, TxnOperation op, Set<Bytes> own, boolean snapshotReads, List<String> problems) {
        boolean read = op.kind() == TxnOperation.Kind.GET || op.kind() == TxnOperation.Kind.GET_FOR_UPDATE
            || op.kind() == TxnOperation.Kind.RANGE;
        if (!read || op.readRevision() == 0) {
            return;
        }
        long at = op.readRevision();
        if (snapshotReads && at != t.start()) {
            problems.add("txn " + t.id() + " read at " + at + ", not at its start " + t.start());
        }
        for (KeyVersion kv : op.read()) {
            if (kv.modRevision() == 0) {
                continue;
            }
            Bytes committed = versions.getOrDefault(kv.key(), new TreeMap<>()).get(kv.modRevision());
            if (committed == null || !committed.equals(kv.value())) {
                problems.add("txn " + t.id() + " read " + kv.key() + "@" + kv.modRevision() + ", never committed");
            }
        }
        Map<Bytes, Long> expected = new TreeMap<>();
        if (op.kind() == TxnOperation.Kind.RANGE) {
            ScanRange range = op.end().map(end -> ScanRange.between(op.key(), end)).orElse(ScanRange.from(op.key()));
            versions.forEach((key, history) -> {
                if (range.contains(key)) {
                    liveAt(history, at).ifPresent(rev -> expected.put(key, rev));
                }
            });
        } else {
            liveAt(versions.getOrDefault(op.key(), new TreeMap<>()), at).ifPresent(rev -> expected.put(op.key(), rev));
        }
        own.forEach(expected::remove);
        Map<Bytes, Long> seen = new TreeMap<>();
        op.read().stream().filter(kv -> !own.contains(kv.key())).forEach(kv -> seen.put(kv.key(), kv.modRevision()));
        if (!seen.equals(expected)) {
            problems.add("txn " + t.id() + " " + op.kind() + " " + op.key() + " at " + at + " saw " + seen
                + ", the committed state then was " + expected);
        }
    }

    private static java.util.Optional<Long> liveAt(TreeMap<Long, Bytes> history, long at) {
        Map.Entry<Long, Bytes> e = history.floorEntry(at);
        return e == null || e.getValue() == null ? java.util.Optional.empty() : java.util.Optional.of(e.getKey());
    }

    private void checkFirstCommitterWins(List<String> problems) {
        Map<Bytes, List<Committed>> writers = new HashMap<>();
        writerOf.forEach((v, t) -> writers.computeIfAbsent(v.key(), k -> new ArrayList<>()).add(t));
        writers.forEach((key, ts) -> {
            for (Committed a : ts) {
                for (Committed b : ts) {
                    if (a != b && a.start() > 0 && b.start() > 0 && a.start() < b.commit() && b.start() < a.commit()) {
                        problems.add("txns " + a.id() + " and " + b.id() + " overlapped and both wrote " + key);
                    }
                }
            }
        });
    }

    /** Edges of the direct serialization graph: ww, wr and rw (anti-dependencies, ranges included). */
    private Map<Committed, Set<Committed>> graph() {
        Map<Committed, Set<Committed>> edges = new HashMap<>();
        versions.forEach((key, history) -> {
            Committed prev = null;
            for (Map.Entry<Long, Bytes> e : history.entrySet()) {
                Committed w = writerOf.get(new Version(key, e.getKey(), e.getValue()));
                if (prev != null && prev != w) {
                    edges.computeIfAbsent(prev, k -> new HashSet<>()).add(w);
                }
                prev = w;
            }
        });
        for (Committed t : txns) {
            Set<Bytes> own = new HashSet<>();
            for (TxnOperation op : t.ops()) {
                if (op.kind() == TxnOperation.Kind.PUT || op.kind() == TxnOperation.Kind.DELETE) {
                    own.add(op.key());
                    continue;
                }
                if (op.readRevision() == 0) {
                    continue;
                }
                Set<Bytes> keys = new HashSet<>();
                if (op.kind() == TxnOperation.Kind.RANGE) {
                    ScanRange range = op.end().map(end -> ScanRange.between(op.key(), end)).orElse(ScanRange.from(op.key()));
                    versions.keySet().stream().filter(range::contains).forEach(keys::add);
                } else {
                    keys.add(op.key());
                }
                keys.removeAll(own);
                for (Bytes key : keys) {
                    TreeMap<Long, Bytes> history = versions.getOrDefault(key, new TreeMap<>());
                    Map.Entry<Long, Bytes> seen = history.floorEntry(op.readRevision());
                    if (seen != null) {
                        Committed w = writerOf.get(new Version(key, seen.getKey(), seen.getValue()));
                        if (w != t) {
                            edges.computeIfAbsent(w, k -> new HashSet<>()).add(t);
                        }
                    }
                    Map.Entry<Long, Bytes> next = history.higherEntry(op.readRevision());
                    if (next != null) {
                        Committed w = writerOf.get(new Version(key, next.getKey(), next.getValue()));
                        if (w != t) {
                            edges.computeIfAbsent(t, k -> new HashSet<>()).add(w);
                        }
                    }
                }
            }
        }
        return edges;
    }

    private java.util.Optional<String> findCycle() {
        Map<Committed, Set<Committed>> edges = graph();
        Map<Committed, Integer> color = new HashMap<>();
        for (Committed start : txns) {
            String cycle = dfs(start, edges, color);
            if (cycle != null) {
                return java.util.Optional.of(cycle);
            }
        }
        return java.util.Optional.empty();
    }

    /** Depth-first search without recursion (histories have long chains); a cycle, described, or null. */
    private static String dfs(Committed start, Map<Committed, Set<Committed>> edges, Map<Committed, Integer> color) {
        if (color.getOrDefault(start, 0) != 0) {
            return null;
        }
        List<Committed> path = new ArrayList<>();
        List<java.util.Iterator<Committed>> next = new ArrayList<>();
        color.put(start, 1);
        path.add(start);
        next.add(edges.getOrDefault(start, Set.of()).iterator());
        while (!path.isEmpty()) {
            java.util.Iterator<Committed> it = next.get(next.size() - 1);
            if (!it.hasNext()) {
                color.put(path.remove(path.size() - 1), 2);
                next.remove(next.size() - 1);
                continue;
            }
            Committed n = it.next();
            int c = color.getOrDefault(n, 0);
            if (c == 1) {
                return path.subList(path.indexOf(n), path.size()).stream().map(HistoryChecker::describe).toList()
                    + " -> T" + n.id();
            }
            if (c == 0) {
                color.put(n, 1);
                path.add(n);
                next.add(edges.getOrDefault(n, Set.of()).iterator());
            }
        }
        return null;
    }

    private static String describe(Committed t) {
        StringBuilder sb = new StringBuilder("T" + t.id() + "[" + t.start() + ".." + t.commit() + ":");
        for (TxnOperation op : t.ops()) {
            sb.append(' ').append(op.kind()).append(' ').append(op.key().toUtf8());
            if (op.readRevision() != 0) {
                sb.append('@').append(op.readRevision()).append(op.read().stream()
                    .map(kv -> kv.key().toUtf8() + "=" + kv.modRevision()).toList());
            }
        }
        return sb.append(']').toString();
    }
}
