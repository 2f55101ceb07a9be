package io.concordkv.check;

import java.util.Objects;
import java.util.Optional;

/**
 * The verdict of a {@link LinearizabilityChecker} on a history. Immutable.
 *
 * @param status the verdict
 * @param key for {@link Status#NOT_LINEARIZABLE} the key whose operations admit no linearization;
 *     for {@link Status#UNKNOWN} the key being checked when time ran out; empty for
 *     {@link Status#OK}
 * @param explanation a human-readable account: for a violation the longest linearizable prefix
 *     found and the operations that could not be placed after it
 */
public record CheckResult(Status status, Optional<String> key, String explanation) {

    /** The verdicts. */
    public enum Status {
        /** Every key's operations have a linearization: the history is linearizable. */
        OK,
        /** Some key's operations have none: the store broke linearizability. */
        NOT_LINEARIZABLE,
        /** The time limit ran out before a verdict; says nothing either way. */
        UNKNOWN
    }

    /** Checks that a key is named exactly when the status is not OK. */
    public CheckResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(explanation, "explanation");
        if (key.isPresent() == (status == Status.OK)) {
            throw new IllegalArgumentException("a key is named exactly when the status is not OK");
        }
    }

    static CheckResult ok(String explanation) {
        return new CheckResult(Status.OK, Optional.empty(), explanation);
    }

    static CheckResult notLinearizable(String key, String explanation) {
        return new CheckResult(Status.NOT_LINEARIZABLE, Optional.of(key), explanation);
    }

    static CheckResult unknown(String key, String explanation) {
        return new CheckResult(Status.UNKNOWN, Optional.of(key), explanation);
    }

    /** Whether the history was found linearizable. */
    public boolean isOk() {
        return status == Status.OK;
    }

    @Override
    public String toString() {
        return status + key.map(k -> " (key " + k + ")").orElse("") + ": " + explanation;
    }
}
