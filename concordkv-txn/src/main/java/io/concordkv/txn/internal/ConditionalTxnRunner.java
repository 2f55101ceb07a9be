package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.EngineLimits;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.Compare;
import io.concordkv.txn.KeyVersion;
import io.concordkv.txn.RangeResult;
import io.concordkv.txn.TxnOp;
import io.concordkv.txn.TxnRequest;
import io.concordkv.txn.TxnResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Runs single-round conditional transactions optimistically: the compares and the chosen branch's
 * reads are served at the published revision, the writes are committed as one revision only if
 * nothing read has changed since (validated under the commit lock), and a transaction that lost
 * that race is re-run transparently, up to {@value #MAX_ATTEMPTS} times. The outcome is atomic and
 * as if the whole transaction ran at its commit revision. Thread-safe.
 */
public final class ConditionalTxnRunner {
    static final int MAX_ATTEMPTS = 64;

    private final CommitSequencer sequencer;
    private final VersionReader reader;
    private final EngineLimits limits;

    public ConditionalTxnRunner(CommitSequencer sequencer, VersionReader reader, EngineLimits limits) {
        this.sequencer = sequencer;
        this.reader = reader;
        this.limits = limits;
    }

    public TxnResponse run(TxnRequest request) {
        return CommitSequencer.join(runAsync(request));
    }

    /**
     * As {@link #run}, completing once the commit is durable without a thread waiting for it (see
     * {@link CommitSequencer#commitAsync}); a conflict is retried, up to {@value #MAX_ATTEMPTS} attempts.
     */
    public CompletableFuture<TxnResponse> runAsync(TxnRequest request) {
        try {
            checkLimits(request);
        } catch (KvException e) {
            return CompletableFuture.failedFuture(e);
        }
        return attemptAsync(request, 1);
    }

    private CompletableFuture<TxnResponse> attemptAsync(TxnRequest request, int attempt) {
        CompletableFuture<TxnResponse> first;
        try {
            first = attempt(request);
        } catch (KvException e) {
            first = CompletableFuture.failedFuture(e);
        }
        return first.exceptionallyCompose(failure -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
            if (cause instanceof KvException kv && kv.code() == ErrorCode.CONFLICT && attempt < MAX_ATTEMPTS) {
                return attemptAsync(request, attempt + 1);
            }
            return CompletableFuture.failedFuture(cause);
        });
    }

    private CompletableFuture<TxnResponse> attempt(TxnRequest request) {
        long at = sequencer.published();
        ReadSet reads = new ReadSet();
        boolean succeeded = true;
        for (Compare c : request.compares()) {
            succeeded &= holds(c, at, reads);
        }
        TreeMap<Bytes, CommitSequencer.Mutation> writes = new TreeMap<>();
        List<TxnResponse.OpResult> results = new ArrayList<>();
        for (TxnOp op : succeeded ? request.success() : request.failure()) {
            results.add(execute(op, at, reads, writes));
        }
        if (writes.isEmpty()) {
            return CompletableFuture.completedFuture(new TxnResponse(succeeded, at, results));
        }
        boolean took = succeeded;
        return sequencer.commitAsync(List.copyOf(writes.values()), reads.validator(List.of(), -1, true))
            .thenApply(outcome -> new TxnResponse(took, outcome.revision(), results));
    }

    private boolean holds(Compare c, long at, ReadSet reads) {
        if (c.end().isEmpty()) {
            reads.point(c.key(), at);
            return c.test(reader.get(c.key(), at));
        }
        ScanRange range = ScanRange.between(c.key(), c.end().get());
        reads.range(range, at);
        List<KeyVersion> found = reader.range(range, at).kvs();
        // as etcd: an empty range compares like one absent key
        return found.isEmpty() ? c.test(Optional.empty()) : found.stream().allMatch(kv -> c.test(Optional.of(kv)));
    }

    private TxnResponse.OpResult execute(TxnOp op, long at, ReadSet reads,
                                         TreeMap<Bytes, CommitSequencer.Mutation> writes) {
        if (op instanceof TxnOp.Range r) {
            reads.range(r.range(), at);
            if (!OwnWrites.anyIn(writes, r.range())) {
                return new TxnResponse.RangeResponse(reader.range(r.range(), at));
            }
            List<KeyVersion> all = OwnWrites.merge(reader.range(r.range().withLimit(0), at).kvs(), writes,
                r.range().withLimit(0));
            int limit = r.range().limit();
            boolean more = limit > 0 && all.size() > limit;
            return new TxnResponse.RangeResponse(new RangeResult(more ? all.subList(0, limit) : all, more, at));
        }
        if (op instanceof TxnOp.Put p) {
            Optional<KeyVersion> previous = Optional.empty();
            if (p.prevKv()) {
                CommitSequencer.Mutation own = writes.get(p.key());
                if (own != null) {
                    previous = own.isDelete() ? Optional.empty()
                        : Optional.of(new KeyVersion(p.key(), own.value(), 0, 0, 0, own.lease()));
                } else {
                    reads.point(p.key(), at);
                    previous = reader.get(p.key(), at);
                }
            }
            writes.put(p.key(), new CommitSequencer.Mutation(p.key(), p.value(), p.lease()));
            return new TxnResponse.PutResponse(previous);
        }
        TxnOp.DeleteRange d = (TxnOp.DeleteRange) op;
        List<KeyVersion> doomed = view(d.range().withLimit(0), at, reads, writes);
        doomed.forEach(kv -> writes.put(kv.key(), CommitSequencer.Mutation.delete(kv.key())));
        return new TxnResponse.DeleteResponse(doomed.size(), d.prevKv() ? doomed : List.of());
    }

    /** The live keys of {@code range} at {@code at} with this transaction's earlier writes applied. */
    private List<KeyVersion> view(ScanRange range, long at, ReadSet reads,
                                  TreeMap<Bytes, CommitSequencer.Mutation> writes) {
        reads.range(range, at);
        if (!OwnWrites.anyIn(writes, range)) {
            return reader.range(range, at).kvs();
        }
        return OwnWrites.merge(reader.range(range.withLimit(0), at).kvs(), writes, range);
    }

    private void checkLimits(TxnRequest request) {
        for (List<TxnOp> branch : List.of(request.success(), request.failure())) {
            for (TxnOp op : branch) {
                if (op instanceof TxnOp.Put p) {
                    limits.checkKey(p.key());
                    limits.checkValue(p.value());
                }
            }
        }
    }
}
