package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.api.Locks;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.KvStore;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.WriteTicket;
import io.concordkv.txn.TimestampSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The one ordered commit path of the MVCC store: every write gets its revision here, and
 * revision order is log order is apply order.
 *
 * <p>Under the commit lock a commit is validated against the current state, given the next
 * revision, turned into one store batch (the new latest version of each key, the replaced version
 * moved to history, the last revision) and submitted to the store. The fsync (under the
 * {@code always} policy) is awaited outside the lock, so commits still share fsyncs. Until its
 * batch is applied, a commit's new versions are kept in an in-flight map that later commits
 * validate against. A revision is published (becomes the read point of new readers) once its
 * batch and every earlier one are applied, so readers at the published revision see whole
 * commits only.
 *
 * <p>When an image replaces the store's data ({@code MvccStore#restoreImage}) the sequencer is
 * {@link #quiesced} (no commit in flight, every change told) and {@link #resetTo} the image's
 * revisions. Thread-safe.
 */
public final class CommitSequencer {
    /** One key's change: a put of {@code value}, or a delete when {@code value} is null. */
    public record Mutation(Bytes key, Bytes value, long lease) {
        public static Mutation put(Bytes key, Bytes value) {
            return new Mutation(key, value, 0);
        }

        public static Mutation delete(Bytes key) {
            return new Mutation(key, null, 0);
        }

        public boolean isDelete() {
            return value == null;
        }
    }

    /** Checks a commit against the current state under the commit lock; throws {@code CONFLICT} to refuse it. */
    @FunctionalInterface
    public interface Validator {
        Validator NONE = state -> { };

        void validate(CurrentState state);
    }

    /**
     * The outcome of a commit.
     *
     * @param revision the new revision, or the current one when nothing changed
     * @param previous the live versions replaced or deleted, in mutation order
     */
    public record Outcome(long revision, List<VersionRecord> previous) {
    }

    /**
     * The outcome of {@link #put}: its revision and the version it replaced, a tombstone included
     * (null when the key was new): a caller that answers with it builds the answer only when asked.
     * The put is visible; {@code ticket} says when it is as durable as the store's fsync policy
     * promises ({@link WriteTicket#DONE} with no log), and must be awaited or waited on
     * ({@link WriteTicket#whenDone}) once, outside any lock.
     */
    public record Put(long revision, VersionRecord replaced, WriteTicket ticket) {
    }

    private final KvStore store;
    /**
     * The store's engine when it holds versions as objects and the store has no log (a Raft
     * member's): commits then write their versions straight into it, with no records to encode.
     * Null otherwise.
     */
    private final VersionedEngine direct;
    /** The store's engine when it holds versions as objects, log or not; null otherwise. */
    private final VersionedEngine versions;
    /**
     * Whether {@link #put} may be used: versions as objects, and a batch the store is given is
     * applied before {@code submit} returns (fsync {@code off}, {@code never} or {@code batch}), so
     * no commit is ever in flight and the engine's latest versions are the current state.
     */
    private final boolean quickPuts;
    private final TimestampSource timestamps;
    /**
     * Whether the store's limits let no put of one key exceed the batch limit, its replaced
     * version included (the default limits do): {@link #put} then need not read the replaced
     * version's value to check.
     */
    private final boolean onePutAlwaysFits;
    private final ReentrantLock commitLock = new ReentrantLock();
    private final Map<Bytes, VersionRecord> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong published = new AtomicLong();
    private final PublicationWaiters waiters = new PublicationWaiters(published);
    private final CurrentState state;
    private volatile long compacted;
    private final HistoryQueue history;
    private final ChangeFeed feed = new ChangeFeed(published::get);

    /** {@code versions}: the store's engine if it holds versions as objects, else null. */
    public CommitSequencer(KvStore store, VersionedEngine versions, TimestampSource timestamps, long compactedRevision) {
        this.store = store;
        this.direct = versions != null && store.options().fsync() == FsyncPolicy.OFF ? versions : null;
        this.versions = versions;
        this.quickPuts = versions != null && store.options().fsync() != FsyncPolicy.ALWAYS;
        io.concordkv.storage.EngineLimits limits = store.options().limits();
        this.onePutAlwaysFits = batchBytes(limits.maxKeyBytes(), limits.maxValueBytes(), limits.maxValueBytes())
            <= limits.maxBatchBytes();
        this.history = HistoryQueue.rebuild(store, versions == null);
        this.timestamps = timestamps;
        this.published.set(timestamps.last());
        this.compacted = compactedRevision;
        this.state = new CurrentState(store, versions, inFlight);
    }

    /** The newest revision whose commit, and every earlier one, is visible. */
    public long published() {
        return published.get();
    }

    /** Revisions at or below this have been compacted away (reads there fail with {@code COMPACTED}). */
    public long compacted() {
        return compacted;
    }

    /**
     * Validates and commits {@code mutations} as one revision; waits until it is visible and as
     * durable as the store's fsync policy promises. Deletes of absent keys change nothing; when
     * nothing changes no revision is used, and the outcome names the revision the commit was
     * judged at (waiting, if need be, until that revision is visible).
     */
    public Outcome commit(List<Mutation> mutations, Validator validator) {
        return join(commitAsync(mutations, validator));
    }

    /**
     * A future of {@code result}, completed once {@code ticket} is done (at once for
     * {@link WriteTicket#DONE}), or with the ticket's failure.
     */
    public static <T> java.util.concurrent.CompletableFuture<T> whenDone(WriteTicket ticket,
                                                                         java.util.function.Supplier<T> result) {
        if (ticket == WriteTicket.DONE) {
            return java.util.concurrent.CompletableFuture.completedFuture(result.get());
        }
        java.util.concurrent.CompletableFuture<T> done = new java.util.concurrent.CompletableFuture<>();
        ticket.whenDone(failure -> {
            if (failure != null) {
                done.completeExceptionally(failure);
            } else {
                done.complete(result.get());
            }
        });
        return done;
    }

    /** The result of a future from this package, failures as the {@link KvException} they are. */
    public static <T> T join(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.join();
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof KvException kv) {
                throw kv;
            }
            throw e;
        }
    }

    /**
     * As {@link #commit}, without a thread waiting for the fsync: the returned future completes on
     * the thread that finishes the group commit (possibly this one, before returning). Validation
     * failures complete it exceptionally too.
     */
    public java.util.concurrent.CompletableFuture<Outcome> commitAsync(List<Mutation> mutations, Validator validator) {
        return commitComputedAsync(state -> mutations, validator);
    }

    /**
     * As {@link #commitAsync}, with the mutations computed under the commit lock from the newest
     * state (commits in flight included): a conditional transaction evaluated this way reads
     * exactly the state its commit replaces, so it never conflicts. {@code compute} must be quick
     * and must not wait for anything.
     */
    public java.util.concurrent.CompletableFuture<Outcome> commitComputedAsync(
        java.util.function.Function<CurrentState, List<Mutation>> compute, Validator validator) {
        Prepared p;
        Locks.lockSpinning(commitLock);
        try {
            state.beginCommit();
            p = prepareLocked(compute.apply(state), validator);
        } catch (RuntimeException e) {
            return java.util.concurrent.CompletableFuture.failedFuture(e);
        } finally {
            state.endCommit();
            commitLock.unlock();
        }
        Outcome outcome = new Outcome(p.revision(), p.previous());
        if (p.ticket() == null) {
            // judged against every commit numbered so far, some perhaps still in flight: answer
            // with that revision once it is visible, so that a read there agrees
            return waiters.whenPublished(p.revision()).thenApply(ignored -> outcome);
        }
        if (p.ticket().applied()) {
            // already in the store (batch, never), as is every earlier commit (they are applied
            // under the commit lock, in revision order): visible at once; only the answer waits
            // for the ticket (under batch, for a syncer two windows behind)
            publish(p.revision());
            feed.deliver();
            return whenDone(p.ticket(), () -> outcome);
        }
        java.util.concurrent.CompletableFuture<Outcome> done = new java.util.concurrent.CompletableFuture<>();
        p.ticket().whenDone(failure -> {
            p.written().forEach(e -> inFlight.remove(e.getKey(), e.getValue()));
            if (failure != null) {
                done.completeExceptionally(failure);
                failWaiters(failure);
                return;
            }
            publish(p.revision());
            feed.deliver();
            done.complete(outcome);
        });
        return done;
    }

    /**
     * Adds a listener told of every commit numbered from now on, once visible, in revision order.
     * Returns the last revision numbered before it was added: commits up to it are not told (read
     * them with the history), every later one is.
     */
    public long addListener(io.concordkv.txn.ChangeListener listener) {
        commitLock.lock();
        try {
            feed.add(listener);
            return timestamps.last();
        } finally {
            commitLock.unlock();
        }
    }

    public void removeListener(io.concordkv.txn.ChangeListener listener) {
        feed.remove(listener);
    }

    /** A commit numbered and submitted ({@code ticket} null when it changed nothing). */
    private record Prepared(long revision, WriteTicket ticket, List<Map.Entry<Bytes, VersionRecord>> written,
                            List<VersionRecord> previous) {
    }

    /**
     * Whether {@link #put} is the quick way to commit one put: the store holds versions as objects
     * and applies what it is given at once (any fsync policy but {@code always}).
     */
    public boolean quickPuts() {
        return quickPuts;
    }

    /** Whether commits write their versions straight into the engine (no log, versions as objects). */
    public boolean writesDirectly() {
        return direct != null;
    }

    /**
     * Commits a put of one key, as {@link #commit} with one mutation and no validator does, on the
     * short path a store that allows {@link #quickPuts} takes: no future, no lists; with no log
     * ({@link #writesDirectly}) nothing to encode and no batch either; visible when this returns.
     *
     * @throws KvException {@code REQUEST_TOO_LARGE} as {@link #commit} would; {@code IO_ERROR} when
     *     the log fails
     */
    public Put put(Bytes key, Bytes value, long lease) {
        if (!quickPuts) {
            throw new IllegalStateException("this store's commits are applied after their group commit: use commit");
        }
        return direct != null ? putDirectly(key, value, lease) : putLogged(key, value, lease);
    }

    private Put putDirectly(Bytes key, Bytes value, long lease) {
        long revision;
        VersionRecord replaced;
        Locks.lockSpinning(commitLock);
        try {
            if (!onePutAlwaysFits) {
                checkSize(key, value, direct.latest(key));
            }
            revision = timestamps.next();
            replaced = direct.commitPut(key, revision, value, lease);
            if (feed.active()) {
                feed.queue(revision, List.of(ChangeEvents.of(key, direct.latest(key), replaced)));
            }
            // applied, as every commit numbered before it (straight in, under this lock): visible
            // now; no commit numbered later can have published yet, so a plain ordered store does
            published.setRelease(revision);
        } finally {
            commitLock.unlock();
        }
        waiters.completePublished();
        feed.deliver();
        return new Put(revision, replaced, WriteTicket.DONE);
    }

    /**
     * A put logged as {@link #commit} logs it (the new version under the key's {@code 'k'} key, as
     * a filing record when it replaces one), which the engine applies from the objects
     * ({@link VersionedEngine#submit}). Reads nothing of the version replaced: the new one is made
     * from the fields the key's entry keeps ({@link LatestTable.Node#putOver}).
     */
    private Put putLogged(Bytes key, Bytes value, long lease) {
        long revision;
        VersionRecord replaced;
        WriteTicket ticket;
        Locks.lockSpinning(commitLock);
        try {
            // nothing in flight (quickPuts): the engine's latest version is the current one, and
            // no one else changes it while this lock is held
            LatestTable.Node n = versions.node(key);
            replaced = n == null ? null : n.version;
            if (!onePutAlwaysFits) {
                checkSize(key, value, replaced);
            }
            revision = timestamps.next();
            VersionRecord next = n == null ? VersionRecord.put(revision, value, lease, null)
                : n.putOver(revision, value, lease);
            WriteBatch batch = WriteBatch.builder()
                .put(MvccKeys.latest(key), replaced == null ? next.encode() : next.encodeFiling()).build();
            ticket = versions.submit(store, batch, revision,
                List.of(new VersionedEngine.Change(key, next, replaced)));
            if (feed.active()) {
                feed.queue(revision, List.of(ChangeEvents.of(key, next, replaced)));
            }
            // applied, as every commit numbered before it (under this lock): visible now
            published.setRelease(revision);
        } finally {
            commitLock.unlock();
        }
        waiters.completePublished();
        feed.deliver();
        return new Put(revision, replaced, ticket);
    }

    /** Most bytes a version record adds to its value (flags byte and six varints). */
    private static final int RECORD_OVERHEAD = 1 + 6 * 10;

    /**
     * Refuses, before a revision is used, a commit whose store batch (new versions, replaced
     * versions moved to history, the last revision) could exceed the store's batch limit: a
     * revision must never be numbered and then fail to be written, or commits judged after it
     * would wait for it.
     */
    private void checkSize(List<Mutation> effective, List<VersionRecord> olds) {
        long bytes = 0;
        for (int i = 0; i < effective.size(); i++) {
            Mutation m = effective.get(i);
            bytes += batchBytes(m.key(), m.value(), olds.get(i));
        }
        checkBatchBytes(effective.size(), bytes);
    }

    private void checkSize(Bytes key, Bytes value, VersionRecord old) {
        checkBatchBytes(1, batchBytes(key, value, old));
    }

    /** Most bytes of the records a write of {@code value} (null: a delete) over {@code old} puts in a batch. */
    private static long batchBytes(Bytes key, Bytes value, VersionRecord old) {
        return batchBytes(key.length(), value == null ? 0 : value.length(), old == null ? -1 : old.value().length());
    }

    /** As {@link #batchBytes(Bytes, Bytes, VersionRecord)} by lengths; {@code oldValue} -1 for no replaced version. */
    private static long batchBytes(long key, long value, long oldValue) {
        long bytes = key + 1 + RECORD_OVERHEAD + value;
        return oldValue < 0 ? bytes : bytes + key + 9 + RECORD_OVERHEAD + oldValue;
    }

    private void checkBatchBytes(int keys, long bytes) {
        long limit = store.options().limits().maxBatchBytes();
        if (bytes > limit) {
            throw new KvException(ErrorCode.REQUEST_TOO_LARGE, "commit of " + keys + " keys needs up to "
                + bytes + " bytes in one batch (new versions plus the versions they replace), over the limit of "
                + limit);
        }
    }

    /** Caller holds the commit lock. */
    private Prepared prepareLocked(List<Mutation> mutations, Validator validator) {
        validator.validate(state);
        List<VersionRecord> previous = new ArrayList<>();
        List<Mutation> effective = new ArrayList<>(mutations.size());
        List<VersionRecord> olds = new ArrayList<>(mutations.size());
        List<Bytes> storeKeys = new ArrayList<>(mutations.size());
        for (Mutation m : mutations) {
            // the key's 'k' key, for a batch of records (none when versions go straight in)
            Bytes storeKey = direct == null ? MvccKeys.latest(m.key()) : null;
            VersionRecord old = state.latest(m.key(), storeKey).orElse(null);
            boolean live = old != null && !old.tombstone();
            if (m.isDelete() && !live) {
                continue;
            }
            effective.add(m);
            olds.add(old);
            storeKeys.add(storeKey);
            if (live) {
                previous.add(old);
            }
        }
        if (effective.isEmpty()) {
            return new Prepared(timestamps.last(), null, List.of(), previous);
        }
        checkSize(effective, olds);
        long revision = timestamps.next();
        WriteBatch.Builder batch = direct == null ? WriteBatch.builder() : null;
        // what the batch encodes, for an engine that holds versions as objects to file as they are
        List<VersionedEngine.Change> changes = batch != null && versions != null ? new ArrayList<>(effective.size()) : null;
        // for history compaction's queue: the versions replaced (a bare revision each, as history
        // is cut by range; none when the engine holds versions, it counts its own) and the deletes'
        // tombstones
        int replacedVersions = 0;
        List<HistoryQueue.Entry> tombstones = new ArrayList<>();
        List<Map.Entry<Bytes, VersionRecord>> written = new ArrayList<>();
        List<io.concordkv.txn.ChangeEvent> events = feed.active() ? new ArrayList<>(effective.size()) : null;
        // keys this batch has written: one written again replaces, the second time, what the batch
        // itself put first, not the version a reference would name (the key's latest when applied)
        java.util.Set<Bytes> writtenHere = changes != null && effective.size() > 1 ? new java.util.HashSet<>() : null;
        for (int i = 0; i < effective.size(); i++) {
            Mutation m = effective.get(i);
            VersionRecord old = olds.get(i);
            VersionRecord next = m.isDelete() ? VersionRecord.delete(revision, old)
                : VersionRecord.put(revision, m.value(), m.lease(), old);
            if (batch == null) {
                direct.write(m.key(), next, revision, old);
            } else {
                boolean again = writtenHere != null && !writtenHere.add(m.key());
                boolean filing = old != null && changes != null && !again;
                if (old != null && !filing) {
                    batch.put(MvccKeys.history(revision, m.key()), old.encode(revision));
                }
                // an engine of versions files the one replaced as the new one's record says: the log
                // holds each version once (log compaction keeps the records that filing needs)
                batch.put(storeKeys.get(i), filing ? next.encodeFiling() : next.encode());
                if (changes != null) {
                    changes.add(new VersionedEngine.Change(m.key(), next, old));
                }
            }
            if (old != null && versions == null) {
                replacedVersions++;
            }
            if (m.isDelete()) {
                tombstones.add(new HistoryQueue.Entry(revision, m.key(), true));
            }
            written.add(Map.entry(m.key(), next));
            if (events != null) {
                events.add(ChangeEvents.of(m.key(), next, old));
            }
        }
        WriteTicket ticket = batch == null ? WriteTicket.DONE
            : changes != null ? versions.submit(store, batch.build(), revision, changes) : store.submit(batch.build());
        for (int i = 0; i < replacedVersions; i++) {
            history.addReplaced(revision);
        }
        tombstones.forEach(history::add);
        if (events != null) {
            feed.queue(revision, events);
        }
        if (!ticket.applied()) {
            // not yet in the store (a group commit applies after its fsync): later commits see it here
            written.forEach(e -> inFlight.put(e.getKey(), e.getValue()));
        }
        return new Prepared(revision, ticket, written, previous);
    }

    private void publish(long revision) {
        published.accumulateAndGet(revision, Math::max);
        waiters.completePublished();
    }

    /** The store failed: revisions numbered but not published never will be, so their waiters fail. */
    private void failWaiters(KvException failure) {
        waiters.failAll(new KvException(ErrorCode.IO_ERROR, "store failed before the revision waited for was "
            + "applied: " + failure.getMessage(), failure));
    }

    /**
     * Runs {@code task} under the commit lock, with no commit in flight: history compaction uses it
     * to drop tombstones no commit is about to replace.
     */
    public <T> T exclusive(java.util.function.Function<CurrentState, T> task) {
        commitLock.lock();
        try {
            state.beginCommit();
            return task.apply(state);
        } finally {
            state.endCommit();
            commitLock.unlock();
        }
    }

    /**
     * The last revision numbered, once it and every earlier one is published: the revision an
     * image taken now shows (commits numbered later are not in it).
     */
    public long awaitNumbered() {
        long last;
        commitLock.lock();
        try {
            last = timestamps.last();
        } finally {
            commitLock.unlock();
        }
        join(waiters.whenPublished(last));
        return last;
    }

    /**
     * Runs {@code task} under the commit lock once every commit numbered so far is published and
     * told to the listeners: no commit is in flight while it runs, and none starts.
     *
     * @throws KvException {@code IO_ERROR} if a commit in flight fails instead
     */
    public void quiesced(Runnable task) {
        commitLock.lock();
        try {
            join(waiters.whenPublished(timestamps.last()));
            feed.drain();
            task.run();
        } finally {
            commitLock.unlock();
        }
    }

    /**
     * Takes the state a fresh open of the store's data would: the store's data was replaced by an
     * image at {@code revision}, compacted to {@code compactedRevision}. Called from a
     * {@link #quiesced} task, with history compaction and readers held off.
     */
    public void resetTo(long revision, long compactedRevision) {
        timestamps.reset(revision);
        published.set(revision);
        compacted = compactedRevision;
        history.replaceWith(HistoryQueue.rebuild(store, versions == null));
    }

    /** Tells every listener the state was reset ({@link io.concordkv.txn.ChangeListener#onReset}); from a {@link #quiesced} task. */
    public void announceReset(long revision) {
        feed.reset(revision);
    }

    /**
     * What a compaction to {@code revision} may drop, taken off the queue (see
     * {@link HistoryQueue#takeUpTo}). An engine that holds versions as objects keeps no queue
     * entry for them (a commit's put would pay for one each): it drops at once those it has not
     * filed ({@link VersionedEngine#dropUnfiledBefore}), and counts and cuts the filed ones itself.
     * The caller has published the compaction point, so no commit at or below it is in flight.
     */
    HistoryQueue.Taken takeDroppable(long revision, int cutEvery) {
        HistoryQueue.Taken queued = history.takeUpTo(revision, cutEvery);
        if (versions == null) {
            return queued;
        }
        long dropped = versions.dropUnfiledBefore(revision + 1);
        HistoryLog.Through filed = versions.filedThrough(revision, cutEvery);
        return new HistoryQueue.Taken(dropped + filed.versions(), filed.cuts(), queued.tombstones());
    }

    /** Records a new compaction point; called by history compaction after the point is durable. */
    void advanceCompacted(long revision) {
        if (revision > compacted) {
            compacted = revision;
        }
    }

    /** Fails with {@code COMPACTED} or {@code FUTURE_REVISION} unless {@code revision} can be read. */
    public void checkReadable(long revision) {
        if (revision > published.get()) {
            throw new KvException(ErrorCode.FUTURE_REVISION,
                "revision " + revision + " is newer than the current revision " + published.get());
        }
        if (revision < compacted) {
            throw new KvException(ErrorCode.COMPACTED,
                "revision " + revision + " has been compacted (compacted revision " + compacted + ")");
        }
    }

    /** A view of the newest versions, including commits submitted but not yet applied. */
    public CurrentState state() {
        return state;
    }

}
