package io.concordkv.txn;

import io.concordkv.api.KvException;
import io.concordkv.txn.internal.TxnRegistry;
import java.util.ArrayDeque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The background work of an {@link MvccStore}, on one daemon thread
 * ({@code concordkv-mvcc-maintenance}) every {@link MvccOptions#maintenanceInterval}: rolls back
 * transactions past their timeout, and compacts history automatically, keeping
 * {@link MvccOptions#retainRevisions} revisions and every revision younger than
 * {@link MvccOptions#retainAge} (revision-by-time samples are taken at most once an interval).
 * After a run that compacted, the next comes after a tenth of the interval: under a steady stream
 * of writes, history then stays near what is retained instead of growing by an interval's worth
 * of writes (75,000 versions at 1.5 million puts a second) between runs, versions the collector
 * would copy and the cache would hold for nothing. Owned and closed by its store.
 */
final class MvccMaintenance implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MvccMaintenance.class);

    private record Sample(long nanos, long revision) {
    }

    private final MvccStore store;
    private final MvccOptions options;
    private final TxnRegistry registry;
    private final ScheduledExecutorService executor;
    /** The maintenance interval, in nanoseconds. */
    private final long period;
    /** Touched by the maintenance thread only. */
    private final ArrayDeque<Sample> samples = new ArrayDeque<>();

    MvccMaintenance(MvccStore store, MvccOptions options, TxnRegistry registry) {
        this.store = store;
        this.options = options;
        this.registry = registry;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "concordkv-mvcc-maintenance");
            t.setDaemon(true);
            return t;
        });
        this.period = options.maintenanceInterval().toNanos();
        schedule(period);
    }

    private void schedule(long delayNanos) {
        try {
            executor.schedule(this::run, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed: no more runs
        }
    }

    private void run() {
        schedule(runOnce() ? Math.max(1, period / 10) : period);
    }

    /** One round of the work; returns whether it compacted history. */
    private boolean runOnce() {
        try {
            long now = System.nanoTime();
            registry.reap(now);
            long target = compactionTarget(now);
            if (target > store.compactedRevision()) {
                store.compact(target);
                return true;
            }
        } catch (KvException e) {
            LOG.warn("background maintenance failed: {}", e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("background maintenance failed", e);
        }
        return false;
    }

    /** The revision automatic compaction should reach now, or 0 for none. */
    private long compactionTarget(long now) {
        long current = store.currentRevision();
        long target = 0;
        long retain = options.retainRevisions();
        if (retain > 0 && current - store.compactedRevision() > retain + Math.max(1, retain / 10)) {
            target = current - retain;
        }
        if (!options.retainAge().isZero()) {
            if (samples.isEmpty() || now - samples.peekLast().nanos() >= period) {
                samples.addLast(new Sample(now, current));
            }
            long ageNanos = options.retainAge().toNanos();
            long byAge = 0;
            while (!samples.isEmpty() && now - samples.peekFirst().nanos() >= ageNanos) {
                byAge = samples.pollFirst().revision();
            }
            // age and count both keep revisions: compact only what both let go
            target = retain > 0 ? Math.min(target, byAge) : byAge;
        }
        return target;
    }

    /** Forgets the revision-by-time samples: the store's revisions were replaced by an image's. */
    void reset() {
        try {
            executor.execute(samples::clear);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // closed: nothing to forget
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
