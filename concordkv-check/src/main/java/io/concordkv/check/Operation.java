package io.concordkv.check;

import java.util.Objects;
import java.util.Optional;

/**
 * One request in a history: who issued it, what it was, when it was invoked and when it returned,
 * and how it ended. Times are in any unit on one clock shared by all clients (simulated time, or
 * {@link System#nanoTime()}); only their order matters. Immutable.
 *
 * <p>Operation a precedes operation b in real time when {@code a.returnTime() < b.invokeTime()};
 * intervals that merely touch ({@code a.returnTime() == b.invokeTime()}) count as concurrent,
 * which never makes a linearizable history look broken.
 *
 * @param clientId the client that issued the request (informational: clients may have several
 *     requests outstanding, e.g. after a timeout)
 * @param op the request
 * @param invokeTime when the client sent it
 * @param returnTime when the client got its answer; {@link #NEVER} for {@link Outcome#UNKNOWN}
 * @param outcome how it ended
 * @param output the output, present exactly when the outcome is {@link Outcome#OK}
 */
public record Operation(long clientId, KvOp op, long invokeTime, long returnTime, Outcome outcome,
                        Optional<Output> output) {

    /** The return time of an operation that never returned: after everything else. */
    public static final long NEVER = Long.MAX_VALUE;

    /** Checks that times, outcome and output agree. */
    public Operation {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(output, "output");
        if (returnTime < invokeTime) {
            throw new IllegalArgumentException("returned at " + returnTime + " before invoked at " + invokeTime);
        }
        if (output.isPresent() != (outcome == Outcome.OK)) {
            throw new IllegalArgumentException("an output is present exactly when the outcome is OK: " + outcome);
        }
        if (output.isPresent() && !op.accepts(output.get())) {
            throw new IllegalArgumentException(op.kind() + " cannot output " + output.get());
        }
        if ((returnTime == NEVER) != (outcome == Outcome.UNKNOWN)) {
            throw new IllegalArgumentException("the return time is NEVER exactly when the outcome is UNKNOWN");
        }
    }

    /** A request that returned {@code output} at {@code returnTime}. */
    public static Operation ok(long clientId, KvOp op, long invokeTime, long returnTime, Output output) {
        return new Operation(clientId, op, invokeTime, returnTime, Outcome.OK, Optional.of(output));
    }

    /** A request refused at {@code returnTime}: it did not take effect. */
    public static Operation failed(long clientId, KvOp op, long invokeTime, long returnTime) {
        return new Operation(clientId, op, invokeTime, returnTime, Outcome.FAILED, Optional.empty());
    }

    /** A request whose fate is unknown: it may take effect at any time after {@code invokeTime}. */
    public static Operation unknown(long clientId, KvOp op, long invokeTime) {
        return new Operation(clientId, op, invokeTime, NEVER, Outcome.UNKNOWN, Optional.empty());
    }

    /** The key the request acts on. */
    public String key() {
        return op.key();
    }

    @Override
    public String toString() {
        String end = returnTime == NEVER ? "inf" : Long.toString(returnTime);
        String result = switch (outcome) {
            case OK -> op.kind() == KvOp.Kind.PUT || op.kind() == KvOp.Kind.DELETE ? "ok" : "-> " + output.get();
            case FAILED -> "failed";
            case UNKNOWN -> "unknown";
        };
        return "client " + clientId + " " + op + " [" + invokeTime + ", " + end + "] " + result;
    }
}
