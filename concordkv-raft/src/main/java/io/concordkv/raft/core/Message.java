package io.concordkv.raft.core;

import java.util.List;

/**
 * A Raft message. Which fields matter depends on the type (as in etcd's raft):
 * {@code index}/{@code logTerm} name the entry before {@code entries} in an append, the last log
 * entry in a vote request, the matched or rejected index in a response; {@code rejectHint} and
 * {@code logTerm} of a rejected append let the leader skip back a whole term at a time;
 * {@code context} carries a read request's id, or marks a campaign caused by a leader transfer.
 * Immutable.
 */
public record Message(MessageType type, long from, long to, long term, long logTerm, long index,
                      List<Entry> entries, long commit, boolean reject, long rejectHint,
                      Snapshot snapshot, byte[] context) {
    private static final byte[] NONE = new byte[0];

    public Message {
        entries = List.copyOf(entries);
    }

    /** A message with only type, addresses and term; the rest zero or empty. */
    public static Message of(MessageType type, long from, long to, long term) {
        return new Message(type, from, to, term, 0, 0, List.of(), 0, false, 0, Snapshot.EMPTY, NONE);
    }

    /** A local proposal of {@code data} entries. */
    public static Message proposal(List<Entry> entries) {
        return new Message(MessageType.PROP, 0, 0, 0, 0, 0, entries, 0, false, 0, Snapshot.EMPTY, NONE);
    }

    public Message withTo(long newTo) {
        return new Message(type, from, newTo, term, logTerm, index, entries, commit, reject, rejectHint, snapshot, context);
    }

    public Message withFromTerm(long newFrom, long newTerm) {
        return new Message(type, newFrom, to, newTerm, logTerm, index, entries, commit, reject, rejectHint, snapshot,
            context);
    }

    public Message withLog(long newLogTerm, long newIndex) {
        return new Message(type, from, to, term, newLogTerm, newIndex, entries, commit, reject, rejectHint, snapshot,
            context);
    }

    public Message withEntries(List<Entry> newEntries) {
        return new Message(type, from, to, term, logTerm, index, newEntries, commit, reject, rejectHint, snapshot,
            context);
    }

    public Message withCommit(long newCommit) {
        return new Message(type, from, to, term, logTerm, index, entries, newCommit, reject, rejectHint, snapshot,
            context);
    }

    public Message withReject(boolean newReject, long newHint) {
        return new Message(type, from, to, term, logTerm, index, entries, commit, newReject, newHint, snapshot, context);
    }

    public Message withSnapshot(Snapshot newSnapshot) {
        return new Message(type, from, to, term, logTerm, index, entries, commit, reject, rejectHint, newSnapshot,
            context);
    }

    public Message withContext(byte[] newContext) {
        return new Message(type, from, to, term, logTerm, index, entries, commit, reject, rejectHint, snapshot,
            newContext);
    }

    @Override
    public String toString() {
        return type + "{" + from + "->" + to + " t" + term + " lt" + logTerm + " i" + index
            + (entries.isEmpty() ? "" : " n" + entries.size()) + " c" + commit
            + (reject ? " REJECT hint " + rejectHint : "") + (snapshot.isEmpty() ? "" : " snap@" + snapshot.meta().index())
            + "}";
    }
}
