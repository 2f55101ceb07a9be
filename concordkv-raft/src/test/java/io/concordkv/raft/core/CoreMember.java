package io.concordkv.raft.core;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One member of a {@link CoreHarness}: its storage, its core, and a toy state machine (the list of
 * non-empty normal payloads applied, as strings). Carries out a {@link Ready} as the runtime must:
 * persist hard state, snapshot and entries into the {@link MemoryStorage}, hand the messages to the
 * harness, install the snapshot, apply committed entries in order, collect read states, advance.
 * Checks on every apply that entries arrive in index order and that no two members ever apply
 * different entries at one index (Raft's state machine safety). Test code; one thread.
 */
final class CoreMember {
    final long id;
    final MemoryStorage storage;
    RaftNode node;
    /** The state machine: payloads of the non-empty normal entries applied, in order. */
    final List<String> applied = new ArrayList<>();
    long appliedIndex;
    /** Every committed entry handed out since the last (re)start, no-ops and conf changes included. */
    final List<Entry> appliedEntries = new ArrayList<>();
    final List<ReadState> reads = new ArrayList<>();
    private final Map<Long, Long> committedTerms;

    CoreMember(long id, MemoryStorage storage, RaftConfig config, Map<Long, Long> committedTerms) {
        this.id = id;
        this.storage = storage;
        this.committedTerms = committedTerms;
        restart(config);
    }

    /** Rebuilds the core from the storage, as after a crash: the state machine restarts from the snapshot. */
    void restart(RaftConfig config) {
        node = new RaftNode(config, storage);
        applied.clear();
        applied.addAll(decode(storage.snapshot().data()));
        appliedIndex = storage.snapshot().meta().index();
        appliedEntries.clear();
        reads.clear();
    }

    Status status() {
        return node.status();
    }

    /** Carries out every Ready the core has; returns whether there was any. */
    boolean handleReadies(List<Message> out) {
        boolean any = false;
        while (node.hasReady()) {
            any = true;
            Ready rd = node.ready();
            carryOut(rd, out, true);
            node.advance(rd);
        }
        return any;
    }

    /**
     * Carries out {@code rd}; with {@code persistEntries} false its entries are left unwritten (an
     * asynchronous log writer still busy), and the caller must advance with {@link #withoutEntries}.
     */
    void carryOut(Ready rd, List<Message> out, boolean persistEntries) {
        rd.hardState().ifPresent(storage::setHardState);
        if (!rd.snapshot().isEmpty()) {
            storage.applySnapshot(rd.snapshot());
            applied.clear();
            applied.addAll(decode(rd.snapshot().data()));
            appliedIndex = rd.snapshot().meta().index();
        }
        if (persistEntries) {
            storage.append(rd.entries());
        }
        out.addAll(rd.messages());
        for (Entry e : rd.committedEntries()) {
            apply(e);
        }
        reads.addAll(rd.readStates());
    }

    static Ready withoutEntries(Ready rd) {
        return new Ready(rd.leader(), rd.role(), rd.term(), rd.hardState(), List.of(), rd.snapshot(),
            rd.committedEntries(), rd.messages(), rd.readStates(), rd.sendBeforePersist(), rd.termOrVoteChanged());
    }

    private void apply(Entry e) {
        if (e.index() != appliedIndex + 1) {
            throw new AssertionError("member " + id + " applies " + e + " after " + appliedIndex);
        }
        Long earlier = committedTerms.putIfAbsent(e.index(), e.term());
        if (earlier != null && earlier != e.term()) {
            throw new AssertionError("member " + id + " applies " + e + " but term " + earlier
                + " was applied at that index elsewhere");
        }
        appliedIndex = e.index();
        appliedEntries.add(e);
        if (e.type() == Entry.Type.NORMAL && e.data().length > 0) {
            applied.add(new String(e.data(), StandardCharsets.UTF_8));
        }
    }

    /** A snapshot of the state machine at the applied index, in the configuration in force there. */
    Snapshot snapshotAtApplied() {
        SnapshotMeta meta = new SnapshotMeta(appliedIndex, node.termAt(appliedIndex), status().conf());
        return new Snapshot(meta, encode(applied));
    }

    /** The read state answering the request with this context, if one came. */
    Optional<ReadState> readState(String context) {
        byte[] ctx = context.getBytes(StandardCharsets.UTF_8);
        return reads.stream().filter(rs -> Arrays.equals(rs.context(), ctx)).findFirst();
    }

    static byte[] encode(List<String> payloads) {
        return String.join("\n", payloads).getBytes(StandardCharsets.UTF_8);
    }

    static List<String> decode(byte[] data) {
        if (data.length == 0) {
            return List.of();
        }
        return List.of(new String(data, StandardCharsets.UTF_8).split("\n", -1));
    }
}
