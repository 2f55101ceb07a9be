package io.concordkv.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Records a history as clients run it: call {@link #invoke} just before sending a request,
 * then exactly one of {@link #ok}, {@link #fail} or {@link #unknown} once its fate is known.
 * {@link #history()} returns what has been recorded; requests still outstanding appear as
 * {@link Outcome#UNKNOWN}.
 *
 * <p>The clock is injected: a deterministic simulator passes its simulated time, a test against
 * real processes passes {@code System::nanoTime}. It is read outside the recorder's lock, before
 * {@code invoke} returns and after {@code ok} or {@code fail} is called, so every recorded
 * interval contains the real one.
 *
 * <p>Threads: thread-safe; any number of client threads may record at once. The clock must be
 * safe to call from all of them and monotonic across them.
 */
public final class HistoryRecorder {
    private final LongSupplier clock;
    private final Object lock = new Object();
    /** Guarded by {@link #lock}; a handle is an index into it. */
    private final List<Call> calls = new ArrayList<>();

    /** A recorder reading times from {@code clock}. */
    public HistoryRecorder(LongSupplier clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Records that {@code clientId} is about to send {@code op}.
     *
     * @return the handle to complete it with
     */
    public long invoke(long clientId, KvOp op) {
        Objects.requireNonNull(op, "op");
        long now = clock.getAsLong();
        synchronized (lock) {
            calls.add(new Call(clientId, op, now));
            return calls.size() - 1;
        }
    }

    /**
     * Records that the request returned {@code output}.
     *
     * @throws IllegalArgumentException if the handle is unknown or the output does not fit the
     *     request's kind
     * @throws IllegalStateException if the request was already completed
     * @throws IllegalArgumentException also if the clock went backwards since the invoke
     */
    public void ok(long handle, Output output) {
        Objects.requireNonNull(output, "output");
        long now = clock.getAsLong();
        synchronized (lock) {
            Call call = pending(handle);
            call.done = Operation.ok(call.clientId, call.op, call.invokeTime, now, output);
        }
    }

    /** Records that the request definitely did not take effect. */
    public void fail(long handle) {
        long now = clock.getAsLong();
        synchronized (lock) {
            Call call = pending(handle);
            call.done = Operation.failed(call.clientId, call.op, call.invokeTime, now);
        }
    }

    /** Records that the request's fate is unknown (timed out, connection lost, client crashed). */
    public void unknown(long handle) {
        synchronized (lock) {
            Call call = pending(handle);
            call.done = Operation.unknown(call.clientId, call.op, call.invokeTime);
        }
    }

    /**
     * The requests recorded so far, in invoke order; those not yet completed are
     * {@link Outcome#UNKNOWN}. An immutable snapshot.
     */
    public List<Operation> history() {
        synchronized (lock) {
            List<Operation> ops = new ArrayList<>(calls.size());
            for (Call call : calls) {
                ops.add(Optional.ofNullable(call.done)
                        .orElseGet(() -> Operation.unknown(call.clientId, call.op, call.invokeTime)));
            }
            return List.copyOf(ops);
        }
    }

    private Call pending(long handle) {
        if (handle < 0 || handle >= calls.size()) {
            throw new IllegalArgumentException("no such handle: " + handle);
        }
        Call call = calls.get((int) handle);
        if (call.done != null) {
            throw new IllegalStateException("already completed: " + call.done);
        }
        return call;
    }

    /** A request as invoked, and its completion once known. Guarded by the recorder's lock. */
    private static final class Call {
        final long clientId;
        final KvOp op;
        final long invokeTime;
        Operation done;

        Call(long clientId, KvOp op, long invokeTime) {
            this.clientId = clientId;
            this.op = op;
            this.invokeTime = invokeTime;
        }
    }
}
