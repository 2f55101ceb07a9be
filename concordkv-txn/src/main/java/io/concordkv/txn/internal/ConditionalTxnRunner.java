package io.concordkv.txn.internal;

import io.concordkv.api.Bytes;
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

/**
 * Runs single-round conditional transactions (etcd's {@code Txn}) as etcd applies them: the
 * compares and the chosen branch are evaluated under the commit lock against the newest state
 * (commits in flight included) and committed there as one revision, so a transaction never
 * conflicts and never needs a retry, however hot its keys. The outcome is atomic and as if the whole
 * transaction ran at its commit revision (the revision it read at, when it wrote nothing). The
 * evaluation reads the store under the commit lock, so other commits wait for it: keep ranges in
 * conditional transactions small. Thread-safe.
 */
public final class ConditionalTxnRunner {
    private final CommitSequencer sequencer;
    private final EngineLimits limits;

    public ConditionalTxnRunner(CommitSequencer sequencer, EngineLimits limits) {
        this.sequencer = sequencer;
        this.limits = limits;
    }

    public TxnResponse run(TxnRequest request) {
        return CommitSequencer.join(runAsync(request));
    }

    /** As {@link #run}, completing once the commit is durable without a thread waiting for it (see {@link CommitSequencer#commitAsync}). */
    public CompletableFuture<TxnResponse> runAsync(TxnRequest request) {
        try {
            checkLimits(request);
        } catch (KvException e) {
            return CompletableFuture.failedFuture(e);
        }
        Evaluation eval = new Evaluation(request);
        return sequencer.commitComputedAsync(eval::evaluate, CommitSequencer.Validator.NONE)
            .thenApply(outcome -> eval.response(outcome.revision()));
    }

    /** One transaction's evaluation; {@link #evaluate} runs once, under the commit lock. */
    private static final class Evaluation {
        private final TxnRequest request;
        private final TreeMap<Bytes, CommitSequencer.Mutation> writes = new TreeMap<>();
        private final List<TxnResponse.OpResult> results = new ArrayList<>();
        private CurrentState state;
        private boolean succeeded = true;

        Evaluation(TxnRequest request) {
            this.request = request;
        }

        List<CommitSequencer.Mutation> evaluate(CurrentState current) {
            state = current;
            for (Compare c : request.compares()) {
                succeeded &= holds(c);
            }
            for (TxnOp op : succeeded ? request.success() : request.failure()) {
                results.add(execute(op));
            }
            state = null;
            return List.copyOf(writes.values());
        }

        /** The response at {@code revision}: range results carry it as the revision they read at. */
        TxnResponse response(long revision) {
            List<TxnResponse.OpResult> out = new ArrayList<>(results.size());
            for (TxnResponse.OpResult r : results) {
                out.add(r instanceof TxnResponse.RangeResponse rr
                    ? new TxnResponse.RangeResponse(new RangeResult(rr.range().kvs(), rr.range().more(), revision)) : r);
            }
            return new TxnResponse(succeeded, revision, out);
        }

        private Optional<KeyVersion> get(Bytes key) {
            return state.latest(key).filter(v -> !v.tombstone()).map(v -> VersionReader.toKeyVersion(key, v));
        }

        private boolean holds(Compare c) {
            if (c.end().isEmpty()) {
                return c.test(get(c.key()));
            }
            Bytes end = c.end().get();
            // an empty end is etcd's range_end "\0": every key from the compare's key on
            ScanRange keys = end.isEmpty() ? ScanRange.from(c.key()) : ScanRange.between(c.key(), end);
            List<KeyVersion> found = state.range(keys, 0).kvs();
            // as etcd: an empty range compares like one absent key
            return found.isEmpty() ? c.test(Optional.empty()) : found.stream().allMatch(kv -> c.test(Optional.of(kv)));
        }

        private TxnResponse.OpResult execute(TxnOp op) {
            if (op instanceof TxnOp.Range r) {
                if (!OwnWrites.anyIn(writes, r.range())) {
                    return new TxnResponse.RangeResponse(state.range(r.range(), 0));
                }
                List<KeyVersion> all = view(r.range().withLimit(0));
                int limit = r.range().limit();
                boolean more = limit > 0 && all.size() > limit;
                return new TxnResponse.RangeResponse(new RangeResult(more ? all.subList(0, limit) : all, more, 0));
            }
            if (op instanceof TxnOp.Put p) {
                Optional<KeyVersion> previous = Optional.empty();
                if (p.prevKv()) {
                    CommitSequencer.Mutation own = writes.get(p.key());
                    if (own != null) {
                        previous = own.isDelete() ? Optional.empty()
                            : Optional.of(new KeyVersion(p.key(), own.value(), 0, 0, 0, own.lease()));
                    } else {
                        previous = get(p.key());
                    }
                }
                writes.put(p.key(), new CommitSequencer.Mutation(p.key(), p.value(), p.lease()));
                return new TxnResponse.PutResponse(previous);
            }
            TxnOp.DeleteRange d = (TxnOp.DeleteRange) op;
            List<KeyVersion> doomed = view(d.range().withLimit(0));
            doomed.forEach(kv -> writes.put(kv.key(), CommitSequencer.Mutation.delete(kv.key())));
            return new TxnResponse.DeleteResponse(doomed.size(), d.prevKv() ? doomed : List.of());
        }

        /** The live keys of {@code range} with this transaction's earlier writes applied. */
        private List<KeyVersion> view(ScanRange range) {
            List<KeyVersion> stored = state.range(range, 0).kvs();
            return OwnWrites.anyIn(writes, range) ? OwnWrites.merge(stored, writes, range) : stored;
        }
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
