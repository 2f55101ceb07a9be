package io.concordkv.raft.sim;

import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.Ready;
import io.concordkv.raft.core.Role;
import io.concordkv.raft.core.Status;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Raft's safety properties, checked as the simulation runs: election safety (one leader per term),
 * log matching (entries with the same index and term are the same entry, with the same entry
 * before them), leader completeness (a leader holds every committed entry) and state-machine
 * safety (every member applies the same entry at each index). Failures throw AssertionError.
 */
final class SafetyChecks {
    private record Key(long index, long term) { }

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    /** (index, term) → payload, and → term of the entry before it, as persisted by anyone. */
    private final Map<Key, byte[]> entries = new HashMap<>();
    private final Map<Key, Long> prevTerm = new HashMap<>();
    /** index → (term, payload) of the entry applied there (by anyone). */
    private final Map<Long, Entry> applied = new HashMap<>();
    private long maxCommitted;

    void onPersisted(SimNode node, Ready rd) {
        long prev = -1;
        for (Entry e : rd.entries()) {
            Key k = new Key(e.index(), e.term());
            byte[] seen = entries.putIfAbsent(k, e.data());
            if (seen != null && !Arrays.equals(seen, e.data())) {
                throw new AssertionError("log matching: two different entries at " + k + " (member " + node.id + ")");
            }
            long before = prev >= 0 ? prev : node.disk.lastIndex() >= e.index() - 1 ? termOn(node, e.index() - 1) : -1;
            if (before >= 0) {
                Long known = prevTerm.putIfAbsent(k, before);
                if (known != null && known != before) {
                    throw new AssertionError("log matching: entry " + k + " follows terms " + known + " and " + before);
                }
            }
            prev = e.term();
        }
    }

    private static long termOn(SimNode node, long index) {
        try {
            return index == 0 ? 0 : node.disk.term(index);
        } catch (RuntimeException e) {
            return -1;
        }
    }

    void onApplied(SimNode node, Entry e) {
        Entry first = applied.putIfAbsent(e.index(), e);
        if (first != null && (first.term() != e.term() || !Arrays.equals(first.data(), e.data()))) {
            throw new AssertionError("state-machine safety: member " + node.id + " applied " + e
                + " where another applied " + first);
        }
        maxCommitted = Math.max(maxCommitted, e.index());
    }

    int leaders() {
        return leaderOfTerm.size();
    }

    void afterStep(SimCluster cluster) {
        for (SimNode n : cluster.nodes.values()) {
            if (!n.up) {
                continue;
            }
            Status s = n.raft.status();
            if (s.role() != Role.LEADER) {
                continue;
            }
            Long other = leaderOfTerm.putIfAbsent(s.term(), n.id);
            if (other != null && other != n.id) {
                throw new AssertionError("election safety: members " + other + " and " + n.id + " lead term " + s.term());
            }
            if (other == null) {
                checkCompleteness(n, s); // once, when it becomes leader: it never loses entries while leading
            }
        }
    }

    /** A leader's log holds every entry applied anywhere (those it has not compacted). */
    private void checkCompleteness(SimNode leader, Status s) {
        for (long i = Math.max(s.firstIndex(), 1); i <= maxCommitted; i++) {
            Entry e = applied.get(i);
            if (e != null && leader.raft.termAt(i) != e.term()) {
                throw new AssertionError("leader completeness: leader " + leader.id + " of term " + s.term()
                    + " lacks committed entry " + i + "/" + e.term() + " (has term " + leader.raft.termAt(i) + ")");
            }
        }
    }
}
