package io.concordkv.check;

import java.util.Objects;
import java.util.Optional;

/**
 * What a completed request returned: a {@link Read} for GET, a {@link Swap} for CAS and an
 * {@link Ack} for PUT and DELETE. Immutable.
 */
public sealed interface Output permits Output.Read, Output.Swap, Output.Ack {

    /**
     * The output of a GET.
     *
     * @param value the value read; empty when the key was absent
     */
    record Read(Optional<String> value) implements Output {
        /** Rejects a null optional. */
        public Read {
            Objects.requireNonNull(value, "value");
        }

        @Override
        public String toString() {
            return describe(value);
        }
    }

    /**
     * The output of a CAS.
     *
     * @param succeeded whether the register held the expected value and was set
     */
    record Swap(boolean succeeded) implements Output {
        @Override
        public String toString() {
            return succeeded ? "swapped" : "not swapped";
        }
    }

    /** The output of a PUT or a DELETE: only that it happened. */
    record Ack() implements Output {
        @Override
        public String toString() {
            return "ack";
        }
    }

    /** A GET's output: {@code value}, or absent when empty. */
    static Output read(Optional<String> value) {
        return new Read(value);
    }

    /** A GET's output: the present {@code value}. */
    static Output read(String value) {
        return new Read(Optional.of(value));
    }

    /** A GET's output: the key was absent. */
    static Output absent() {
        return new Read(Optional.empty());
    }

    /** A CAS's output. */
    static Output swap(boolean succeeded) {
        return new Swap(succeeded);
    }

    /** A PUT's or DELETE's output. */
    static Output ack() {
        return new Ack();
    }

    /** A register value for messages: quoted, or {@code absent}. */
    static String describe(Optional<String> value) {
        return value.map(v -> '"' + v + '"').orElse("absent");
    }
}
