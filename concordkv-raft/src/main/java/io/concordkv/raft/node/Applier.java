package io.concordkv.raft.node;

import io.concordkv.raft.core.ConfChange;
import io.concordkv.raft.core.ConfState;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.ReadState;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apply thread: installs snapshots, applies committed entries in order (commands to the state
 * machine, membership changes to the member table), completes the proposer's futures with the
 * results, answers reads once applied past their index, and takes snapshots every so many entries.
 * Proposals carry an envelope: proposer id (8 bytes), proposal sequence (8 bytes), the command.
 *
 * <p>Threads: {@link #submit} from the event loop; everything else runs on the apply thread;
 * {@link #applied()} and the pending maps may be read from any thread.
 */
final class Applier implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(Applier.class);

    /** One Ready's worth of work. */
    record Task(Snapshot snapshot, List<Entry> entries, List<ReadState> reads) { }

    /** What the applier tells the runtime. */
    interface Events {
        void membersChanged(List<Member> members, ConfChange change);

        void snapshotTaken(Snapshot snapshot);
    }

    private final long self;
    private final StateMachine machine;
    private final MemberTable members;
    private final Events events;
    private final long snapshotEntries;
    private final BlockingQueue<Task> tasks = new LinkedBlockingQueue<>();
    final Map<Long, CompletableFuture<Object>> proposals = new ConcurrentHashMap<>();
    final Map<Long, List<CompletableFuture<Void>>> readBatches = new ConcurrentHashMap<>();
    final Map<Long, CompletableFuture<Void>> confChanges = new ConcurrentHashMap<>();
    private final List<ReadState> waitingReads = new ArrayList<>();
    private volatile long applied;
    private long appliedTerm;
    private long lastSnapshot;
    private ConfState conf;
    private volatile boolean running = true;
    /**
     * Builds snapshot images while this thread goes on applying: a snapshot of a large store
     * would otherwise hold every command behind it. One at a time ({@link #snapshotting}).
     */
    private final java.util.concurrent.ExecutorService snapshotWriter;
    private volatile boolean snapshotting;

    Applier(long self, StateMachine machine, MemberTable members, Events events, long snapshotEntries,
            Snapshot start, ConfState conf) {
        this.self = self;
        this.machine = machine;
        this.members = members;
        this.events = events;
        this.snapshotEntries = snapshotEntries;
        this.conf = conf;
        this.snapshotWriter = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "concordkv-raft-snapshot-" + Long.toHexString(self));
            t.setDaemon(true);
            return t;
        });
        if (!start.isEmpty()) {
            install(start);
        }
    }

    long applied() {
        return applied;
    }

    void submit(Task t) {
        tasks.add(t);
    }

    void stop() {
        running = false;
        tasks.add(new Task(Snapshot.EMPTY, List.of(), List.of()));
        snapshotWriter.shutdown();
    }

    /** Waits a little for a snapshot being written to end (after {@link #stop}). */
    void awaitSnapshotWriter() {
        try {
            snapshotWriter.awaitTermination(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void run() {
        while (running) {
            Task t;
            try {
                t = tasks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                handle(t);
            } catch (RuntimeException e) {
                LOG.error("apply failed; this member stops applying", e);
                running = false;
            }
        }
    }

    private void handle(Task t) {
        if (!t.snapshot().isEmpty() && t.snapshot().meta().index() > applied) {
            install(t.snapshot());
        }
        for (Entry e : t.entries()) {
            if (e.index() <= applied) {
                continue;
            }
            if (e.type() == Entry.Type.CONF_CHANGE) {
                applyConfChange(ConfChange.decode(e.data()));
            } else if (e.data().length >= 16) {
                applyCommand(e);
            }
            applied = e.index();
            appliedTerm = e.term();
        }
        waitingReads.addAll(t.reads());
        answerReads();
        if (snapshotEntries > 0 && applied - lastSnapshot >= snapshotEntries && !snapshotting) {
            takeSnapshot();
        }
    }

    private void applyCommand(Entry e) {
        ByteBuffer b = ByteBuffer.wrap(e.data());
        long proposer = b.getLong();
        long seq = b.getLong();
        byte[] command = new byte[b.remaining()];
        b.get(command);
        Object result;
        try {
            result = machine.apply(e.index(), command);
        } catch (RuntimeException ex) {
            result = ex;
        }
        if (proposer == self) {
            CompletableFuture<Object> f = proposals.remove(seq);
            if (f != null) {
                if (result instanceof RuntimeException ex) {
                    f.completeExceptionally(ex);
                } else {
                    f.complete(result);
                }
            }
        }
    }

    private void applyConfChange(ConfChange cc) {
        conf = conf.apply(cc);
        switch (cc.type()) {
            case ADD_VOTER -> members.put(Member.decode(cc.context()).withLearner(false));
            case ADD_LEARNER -> members.put(Member.decode(cc.context()).withLearner(true));
            case REMOVE -> members.remove(cc.nodeId());
            default -> { }
        }
        events.membersChanged(members.all(), cc);
        CompletableFuture<Void> f = confChanges.remove(cc.nodeId());
        if (f != null) {
            f.complete(null);
        }
    }

    private void answerReads() {
        for (Iterator<ReadState> it = waitingReads.iterator(); it.hasNext(); ) {
            ReadState rs = it.next();
            if (!rs.dropped() && rs.index() > applied) {
                continue;
            }
            it.remove();
            // a dropped request's reads were queued again by the raft loop, which took its batch
            List<CompletableFuture<Void>> batch = readBatches.remove(ByteBuffer.wrap(rs.context()).getLong());
            if (batch == null || rs.dropped()) {
                continue;
            }
            batch.forEach(f -> f.complete(null));
        }
    }

    /**
     * Captures the state at the last applied entry (members and the machine's capture) and builds
     * the image on the snapshot thread while this one goes on applying; the runtime purges the log
     * behind the snapshot once it is built. If building fails, the next one is tried
     * {@code snapshotEntries} later.
     */
    private void takeSnapshot() {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(head)) {
            members.write(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        SnapshotMeta meta = new SnapshotMeta(applied, appliedTerm, conf);
        java.util.function.Supplier<byte[]> image = machine.snapshotLater();
        lastSnapshot = applied;
        snapshotting = true;
        try {
            snapshotWriter.execute(() -> {
                try {
                    byte[] built = image.get();
                    // one exact copy: images run to tens of MB, built while commands go on allocating
                    byte[] data = java.util.Arrays.copyOf(head.toByteArray(), head.size() + 4 + built.length);
                    ByteBuffer.wrap(data, head.size(), 4).putInt(built.length);
                    System.arraycopy(built, 0, data, head.size() + 4, built.length);
                    events.snapshotTaken(new Snapshot(meta, data));
                } catch (RuntimeException e) {
                    LOG.warn("the snapshot at index {} failed: {}", meta.index(), e.toString());
                } finally {
                    snapshotting = false;
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            snapshotting = false;
        }
    }

    private void install(Snapshot snap) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(snap.data()))) {
            List<Member> all = members.read(in);
            byte[] image = new byte[in.readInt()];
            in.readFully(image);
            machine.restore(image);
            conf = snap.meta().conf();
            applied = snap.meta().index();
            appliedTerm = snap.meta().term();
            lastSnapshot = applied;
            events.membersChanged(all, null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Fails everything still waiting (the runtime is closing). */
    void failAll(Consumer<CompletableFuture<?>> fail) {
        proposals.values().forEach(fail);
        readBatches.values().forEach(l -> l.forEach(fail));
        confChanges.values().forEach(fail);
    }
}
