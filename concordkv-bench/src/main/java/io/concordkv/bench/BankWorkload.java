package io.concordkv.bench;

import io.concordkv.api.Bytes;
import io.concordkv.api.KvException;
import io.concordkv.storage.FsyncPolicy;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StoreOptions;
import io.concordkv.txn.ConcurrencyMode;
import io.concordkv.txn.Isolation;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.MvccOptions;
import io.concordkv.txn.MvccStats;
import io.concordkv.txn.MvccStore;
import io.concordkv.txn.Transaction;
import io.concordkv.txn.TxnOp;
import io.concordkv.txn.TxnOperation;
import io.concordkv.txn.TxnOptions;
import io.concordkv.txn.TxnRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;

/**
 * The bank workload: {@code accounts} accounts (an even number, paired as joint accounts 2i and
 * 2i+1) start with {@value #START_BALANCE} each. Threads run, until the time is up (and at most
 * {@value #MAX_TXNS_PER_THREAD} each), three kinds of transaction at one isolation level and mode,
 * retrying any that fails with a retryable error (each failure counts as an abort):
 * <ul>
 *   <li>40%: a transfer of 1..50 between two random accounts, made only if the source's joint
 *       pair still covers it (balances may go negative);</li>
 *   <li>30%: a withdrawal of 1..150 from one account of a joint pair, made only if the pair's sum
 *       covers it;</li>
 *   <li>30%: a deposit of 1..150 into a random account, so that money keeps flowing.</li>
 * </ul>
 * A pair's sum must never go below 0: the write-skew constraint, kept only by {@code SERIALIZABLE}
 * (each check reads the partner account without writing it). At the end the total must equal
 * the start total minus the committed withdrawals plus the committed deposits, and (checked under
 * {@code SERIALIZABLE}) every pair's sum must be at least 0. Pessimistic transactions read with
 * {@code getForUpdate} what they write and with {@code get} what they only check.
 */
public final class BankWorkload {
    static final long START_BALANCE = 100;
    static final long MAX_TXNS_PER_THREAD = 10_000_000L;

    /** What to run. */
    public record Config(String engine, FsyncPolicy fsync, Isolation isolation, ConcurrencyMode mode, int accounts,
                         int threads, Duration duration, long seed) {
    }

    private record ThreadResult(long commits, long aborts, long withdrawn, Histogram latency) {
    }

    /** A committed transaction as a history checker sees it (the initial load is id 0, start 0). */
    public record CommittedTxn(long id, long startRevision, long commitRevision, List<TxnOperation> operations) {
    }

    private BankWorkload() {
    }

    static Bytes account(int i) {
        return Bytes.utf8(String.format("acct/%08d", i));
    }

    /** Runs the workload in a temporary store under {@code parent} and returns one result row. */
    public static Map<String, Object> run(Config c, Path parent) throws InterruptedException {
        return run(c, parent, null);
    }

    /**
     * As {@link #run(Config, Path)}, also handing every committed transaction (with its operation
     * list) to {@code recorder}, from the worker threads, when it is not null.
     */
    public static Map<String, Object> run(Config c, Path parent, Consumer<CommittedTxn> recorder)
        throws InterruptedException {
        if (c.accounts() < 2 || c.accounts() % 2 != 0) {
            throw new IllegalArgumentException("accounts must be an even number >= 2");
        }
        Path dir = BenchTargets.tempDir(parent);
        ExecutorService pool = Executors.newFixedThreadPool(c.threads(), r -> new Thread(r, "bench-bank"));
        MvccOptions options = MvccOptions.defaults(StoreOptions.defaults(c.engine()).withFsync(c.fsync()));
        try (MvccStore store = MvccStore.open(dir, options)) {
            load(store, c.accounts(), recorder);
            long start = System.nanoTime();
            long deadline = start + c.duration().toNanos();
            List<Future<ThreadResult>> futures = new ArrayList<>();
            for (int t = 0; t < c.threads(); t++) {
                SplittableRandom random = new SplittableRandom(c.seed() * 31 + t);
                futures.add(pool.submit(() -> runThread(store, c, random, deadline, recorder)));
            }
            long commits = 0;
            long aborts = 0;
            long withdrawn = 0;
            Histogram latency = new Histogram(3);
            for (Future<ThreadResult> f : futures) {
                ThreadResult r = get(f);
                commits += r.commits();
                aborts += r.aborts();
                withdrawn += r.withdrawn();
                latency.add(r.latency());
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            return row(c, store, commits, aborts, withdrawn, latency, seconds);
        } finally {
            pool.shutdownNow();
            BenchTargets.deleteTree(dir);
        }
    }

    private static Map<String, Object> row(Config c, MvccStore store, long commits, long aborts, long withdrawn,
                                           Histogram latency, double seconds) {
        long total = 0;
        boolean pairsOk = true;
        List<KeyVersion> all = store.range(ScanRange.prefix(Bytes.utf8("acct/"))).kvs();
        for (int i = 0; i < all.size(); i += 2) {
            long a = balanceOf(all.get(i));
            long b = balanceOf(all.get(i + 1));
            total += a + b;
            pairsOk &= a + b >= 0;
        }
        boolean totalOk = all.size() == c.accounts() && total == START_BALANCE * c.accounts() - withdrawn;
        boolean constraintChecked = c.isolation() == Isolation.SERIALIZABLE;
        MvccStats stats = store.stats();
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("engine", c.engine());
        row.put("fsync", c.fsync().name().toLowerCase());
        row.put("isolation", c.isolation().name());
        row.put("mode", c.mode().name().toLowerCase());
        row.put("accounts", c.accounts());
        row.put("threads", c.threads());
        row.put("seconds", StoreLoad.round(seconds));
        row.put("commits", commits);
        row.put("aborts", aborts);
        row.put("abort_rate", commits + aborts == 0 ? 0.0 : StoreLoad.round((double) aborts / (commits + aborts)));
        row.put("commits_per_sec", Math.round(commits / seconds));
        row.put("conflicts", stats.conflicts());
        row.put("deadlocks", stats.deadlocks());
        row.put("lock_timeouts", stats.lockTimeouts());
        row.put("p50_us", StoreLoad.round(latency.getValueAtPercentile(50) / 1000.0));
        row.put("p99_us", StoreLoad.round(latency.getValueAtPercentile(99) / 1000.0));
        row.put("total_ok", totalOk);
        row.put("pairs_ok", pairsOk);
        row.put("invariant_ok", totalOk && (!constraintChecked || pairsOk));
        row.put("seed", c.seed());
        return row;
    }

    /** Opens every account in one transaction (one revision). */
    private static void load(MvccStore store, int accounts, Consumer<CommittedTxn> recorder) {
        List<TxnOp> puts = new ArrayList<>();
        List<TxnOperation> ops = new ArrayList<>();
        for (int i = 0; i < accounts; i++) {
            puts.add(TxnOp.Put.of(account(i), balance(START_BALANCE)));
            ops.add(new TxnOperation(TxnOperation.Kind.PUT, account(i), Optional.empty(),
                Optional.of(balance(START_BALANCE)), List.of(), 0));
        }
        long revision = store.txn(new TxnRequest(List.of(), puts, List.of())).revision();
        if (recorder != null) {
            recorder.accept(new CommittedTxn(0, 0, revision, ops));
        }
    }

    private static ThreadResult runThread(MvccStore store, Config c, SplittableRandom random, long deadline,
                                          Consumer<CommittedTxn> recorder) {
        long commits = 0;
        long aborts = 0;
        long withdrawn = 0;
        Histogram latency = new Histogram(3);
        TxnOptions options = TxnOptions.of(c.isolation(), c.mode()).withLockWaitTimeout(Duration.ofMillis(500));
        for (long n = 0; n < MAX_TXNS_PER_THREAD && System.nanoTime() < deadline; n++) {
            int kind = random.nextInt(10);
            boolean transfer = kind < 4;
            boolean deposit = kind >= 7;
            int from = random.nextInt(c.accounts());
            int to = transfer ? (from + 1 + random.nextInt(c.accounts() - 1)) % c.accounts() : from ^ 1;
            long amount = transfer ? 1 + random.nextInt(50) : 1 + random.nextInt(150);
            long t0 = System.nanoTime();
            while (System.nanoTime() < deadline) {
                try (Transaction txn = store.begin(options)) {
                    boolean done = transfer ? transfer(txn, from, to, amount)
                        : deposit ? deposit(txn, from, amount) : withdraw(txn, from, to, amount);
                    long revision = txn.commit();
                    commits++;
                    if (recorder != null) {
                        recorder.accept(new CommittedTxn(txn.id(), txn.startRevision(), revision, txn.operations()));
                    }
                    if (done && !transfer) {
                        withdrawn += deposit ? -amount : amount;
                    }
                    latency.recordValue(Math.max(1, System.nanoTime() - t0));
                    break;
                } catch (KvException e) {
                    if (!e.code().retryable()) {
                        throw e;
                    }
                    aborts++;
                }
            }
        }
        return new ThreadResult(commits, aborts, withdrawn, latency);
    }

    /**
     * Moves {@code amount} from {@code from} to {@code to}; unless the two are partners, only if
     * {@code from}'s pair still covers it (the pair constraint holds for every operation).
     */
    private static boolean transfer(Transaction txn, int from, int to, long amount) {
        long a = balanceOf(txn.getForUpdate(account(from)).orElseThrow());
        long b = balanceOf(txn.getForUpdate(account(to)).orElseThrow());
        int partner = from ^ 1;
        if (partner != to && a + balanceOf(txn.get(account(partner)).orElseThrow()) < amount) {
            return false;
        }
        txn.put(account(from), balance(a - amount));
        txn.put(account(to), balance(b + amount));
        return true;
    }

    private static boolean deposit(Transaction txn, int to, long amount) {
        long a = balanceOf(txn.getForUpdate(account(to)).orElseThrow());
        txn.put(account(to), balance(a + amount));
        return true;
    }

    /** Withdraws from {@code from} if the pair (from, partner) covers it; writes only {@code from}. */
    private static boolean withdraw(Transaction txn, int from, int partner, long amount) {
        long a = balanceOf(txn.getForUpdate(account(from)).orElseThrow());
        long b = balanceOf(txn.get(account(partner)).orElseThrow());
        if (a + b < amount) {
            return false;
        }
        txn.put(account(from), balance(a - amount));
        return true;
    }

    private static Bytes balance(long v) {
        return Bytes.utf8(Long.toString(v));
    }

    private static long balanceOf(KeyVersion kv) {
        return Long.parseLong(kv.value().toUtf8());
    }

    private static <T> T get(Future<T> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("bank worker failed", e.getCause());
        }
    }
}
