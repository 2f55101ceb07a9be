package io.concordkv.server.service;

import io.concordkv.api.Bytes;
import io.concordkv.server.apply.CommandLog;
import io.concordkv.server.apply.KvStateMachine;
import io.concordkv.server.apply.WriteCommand;
import io.concordkv.server.lease.Lease;
import io.concordkv.server.lease.LeaseTable;
import io.concordkv.server.lease.LeaseWriter;
import io.concordkv.server.watch.WatchHub;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreStats;
import io.concordkv.txn.CompactionReport;
import io.concordkv.txn.MvccStore;
import io.concordkv.txn.Transaction;
import io.concordkv.txn.TxnOptions;
import io.concordkv.txn.TxnRequest;
import io.concordkv.txn.TxnResponse;
import io.concordkv.txn.WriteResult;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single node's {@link KvService} over an {@link MvccStore}: reads go to the store, writes through
 * the {@link LocalCommandLog} to the {@link KvStateMachine}; leases expire on a named scheduler
 * thread, which revokes them through the same path. Owns the watch hub and the scheduler, not the
 * store. Thread-safe.
 */
public final class StandaloneKvService implements KvService, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StandaloneKvService.class);

    /** Identity of the member. */
    public record Identity(long memberId, long clusterId, String name) {
    }

    private final MvccStore store;
    private final Identity identity;
    private final LeaseTable leases;
    private final WatchHub watches;
    private final CommandLog log;
    /** How a cluster member's interactive transactions read linearizably and commit. */
    private final io.concordkv.txn.ReplicatedCommits throughTheLog = new io.concordkv.txn.ReplicatedCommits() {
        @Override
        public void awaitReadable() {
            try {
                readBarrier(null).join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }

        @Override
        public TxnResponse commit(io.concordkv.txn.TxnRequest request) {
            return txn(request);
        }
    };
    private final Replication replication;
    private final RangeReader ranges;
    private final ScheduledExecutorService expiry;
    private final java.util.concurrent.ExecutorService blocking;

    public StandaloneKvService(MvccStore store, Identity identity, InstantSource clock, int watchQueue,
                               Duration leaseCheckInterval) {
        this(store, identity, clock, watchQueue, leaseCheckInterval, Replication.standalone(
            new Replication.MemberView(identity.memberId(), identity.name(), List.of(), List.of(), false)));
    }

    /** A node whose writes go through {@code replication} (a consensus group, or the node alone). */
    public StandaloneKvService(MvccStore store, Identity identity, InstantSource clock, int watchQueue,
                               Duration leaseCheckInterval, Replication replication) {
        this.replication = replication;
        this.store = store;
        this.identity = identity;
        this.leases = new LeaseTable(clock);
        leases.load(store.scanSystem(LeaseTable.PREFIX));
        LeaseWriter writer = new LeaseWriter(store, leases, new SplittableRandom(clock.millis() ^ identity.memberId()),
            LeaseWriter.MAX_TTL_SECONDS);
        long from = store.addChangeListener((rev, changes) -> leases.follow(changes));
        writer.attachExisting(from);
        this.watches = new WatchHub(store, watchQueue);
        this.blocking = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "concordkv-apply");
            t.setDaemon(true);
            return t;
        });
        this.log = replication.log(new KvStateMachine(store, leases, writer, blocking));
        this.ranges = new RangeReader(store);
        this.expiry = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "concordkv-lease-expiry");
            t.setDaemon(true);
            return t;
        });
        long every = leaseCheckInterval.toMillis();
        expiry.scheduleWithFixedDelay(this::revokeExpired, every, every, TimeUnit.MILLISECONDS);
    }

    private void revokeExpired() {
        if (!replication.decidesLeaseExpiry()) {
            return;
        }
        for (long id : leases.expired()) {
            try {
                log.append(new WriteCommand.LeaseRevoke(id));
                LOG.debug("lease {} expired and was revoked", id);
            } catch (RuntimeException e) {
                LOG.warn("revoking expired lease {} failed: {}", id, e.getMessage());
            }
        }
    }

    @Override
    public RangeAnswer range(RangeQuery query) {
        replication.ensureServing();
        return ranges.range(query);
    }

    @Override
    public WriteResult put(Bytes key, Bytes value, long lease, boolean ignoreValue, boolean ignoreLease) {
        return (WriteResult) log.append(new WriteCommand.Put(key, value, lease, ignoreValue, ignoreLease));
    }

    @Override
    public WriteResult deleteRange(ScanRange keys) {
        return (WriteResult) log.append(new WriteCommand.DeleteRange(keys));
    }

    @Override
    public TxnResponse txn(TxnRequest request) {
        return (TxnResponse) log.append(new WriteCommand.Txn(request));
    }

    @Override
    public CompletableFuture<WriteResult> putAsync(Bytes key, Bytes value, long lease, boolean ignoreValue,
                                                   boolean ignoreLease) {
        return narrow(log.appendAsync(new WriteCommand.Put(key, value, lease, ignoreValue, ignoreLease)));
    }

    @Override
    public CompletableFuture<WriteResult> deleteRangeAsync(ScanRange keys) {
        return narrow(log.appendAsync(new WriteCommand.DeleteRange(keys)));
    }

    @Override
    public CompletableFuture<TxnResponse> txnAsync(TxnRequest request) {
        return narrow(log.appendAsync(new WriteCommand.Txn(request)));
    }

    /**
     * The log's answer as the type its command answers with (a put's {@link WriteResult}, a
     * transaction's {@link TxnResponse}), without a stage of its own: a put's answer passes through
     * a handful already. A wrong type fails where the answer is read.
     */
    @SuppressWarnings("unchecked")
    private static <T> CompletableFuture<T> narrow(CompletableFuture<Object> answer) {
        return (CompletableFuture<T>) (CompletableFuture<?>) answer;
    }

    @Override
    public CompactionReport compact(long revision) {
        return (CompactionReport) log.append(new WriteCommand.Compact(revision));
    }

    @Override
    public long grantLease(long id, long ttlSeconds) {
        return (Long) log.append(new WriteCommand.LeaseGrant(id, ttlSeconds));
    }

    @Override
    public long revokeLease(long id) {
        return (Long) log.append(new WriteCommand.LeaseRevoke(id));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Optional<Long> keepAlive(long id) {
        if (replication.logsKeepAlives()) {
            return (Optional<Long>) log.append(new WriteCommand.LeaseKeepAlive(id));
        }
        return leases.keepAlive(id);
    }

    @Override
    public Optional<Lease> lease(long id, boolean withKeys) {
        return leases.describe(id, withKeys);
    }

    @Override
    public List<Long> leases() {
        return leases.ids();
    }

    @Override
    public CompletableFuture<Void> readBarrier(Executor continueOn) {
        return replication.readBarrier(continueOn);
    }

    public Replication replication() {
        return replication;
    }

    @Override
    public WatchHub watches() {
        return watches;
    }

    /**
     * Alone, a transaction commits straight into the store. In a cluster it reads this member's
     * store once a ReadIndex round says it is current, and commits as one conditional transaction
     * through the log (see {@link io.concordkv.txn.ReplicatedCommits}), so every member applies it.
     */
    @Override
    public Transaction begin(TxnOptions options) {
        return replication.localTransactions() ? store.begin(options) : store.begin(options, throughTheLog);
    }

    @Override
    public NodeStatus status() {
        StoreStats s = store.kvStore().stats();
        Replication.RaftState raft = replication.raftState();
        return new NodeStatus(identity.memberId(), identity.clusterId(), identity.name(), store.currentRevision(),
            store.compactedRevision(), log.appliedIndex(), s.dataBytes() + s.logBytes(), s.keys(), raft.leader(),
            raft.term(), raft.commitIndex());
    }

    @Override
    public void close() {
        expiry.shutdownNow();
        blocking.shutdown();
        watches.close();
    }
}
