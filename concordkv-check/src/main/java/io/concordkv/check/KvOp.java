package io.concordkv.check;

import java.util.Objects;
import java.util.Optional;

/**
 * One request to the key-value store as a client issued it: what it does, the key, and its inputs.
 * Each key is an independent register that holds a string or nothing (absent). Immutable.
 *
 * <p>Build one with the factories: {@link #get}, {@link #put}, {@link #delete}, {@link #cas}.
 *
 * @param kind what the request does
 * @param key the register it acts on
 * @param value for PUT and CAS the value written; empty for GET and DELETE
 * @param expected for CAS the value the register must hold for the swap to happen (empty: the
 *     register must be absent); empty for the other kinds
 */
public record KvOp(Kind kind, String key, Optional<String> value, Optional<String> expected) {

    /** The kinds of request a register understands. */
    public enum Kind {
        /** Reads the register; outputs its value or absent ({@link Output.Read}). */
        GET,
        /** Sets the register to a value; outputs nothing ({@link Output.Ack}). */
        PUT,
        /** Makes the register absent; outputs nothing ({@link Output.Ack}). */
        DELETE,
        /**
         * Compare-and-set: if the register holds the expected value (or is absent when nothing is
         * expected) sets it to the new value; outputs whether it did ({@link Output.Swap}).
         */
        CAS
    }

    /** Checks that the inputs fit the kind. */
    public KvOp {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(expected, "expected");
        boolean writesValue = kind == Kind.PUT || kind == Kind.CAS;
        if (writesValue != value.isPresent()) {
            throw new IllegalArgumentException(kind + " " + (writesValue ? "needs" : "takes no") + " value");
        }
        if (kind != Kind.CAS && expected.isPresent()) {
            throw new IllegalArgumentException(kind + " takes no expected value");
        }
    }

    /** A read of {@code key}. */
    public static KvOp get(String key) {
        return new KvOp(Kind.GET, key, Optional.empty(), Optional.empty());
    }

    /** A write of {@code value} to {@code key}. */
    public static KvOp put(String key, String value) {
        return new KvOp(Kind.PUT, key, Optional.of(value), Optional.empty());
    }

    /** A delete of {@code key}. */
    public static KvOp delete(String key) {
        return new KvOp(Kind.DELETE, key, Optional.empty(), Optional.empty());
    }

    /**
     * A compare-and-set of {@code key} from {@code expected} (empty: absent) to {@code newValue}.
     */
    public static KvOp cas(String key, Optional<String> expected, String newValue) {
        return new KvOp(Kind.CAS, key, Optional.of(newValue), expected);
    }

    /** A compare-and-set of {@code key} from the present value {@code expected} to {@code newValue}. */
    public static KvOp cas(String key, String expected, String newValue) {
        return cas(key, Optional.of(expected), newValue);
    }

    /** Whether {@code output} is the kind of output this request produces. */
    public boolean accepts(Output output) {
        return switch (kind) {
            case GET -> output instanceof Output.Read;
            case PUT, DELETE -> output instanceof Output.Ack;
            case CAS -> output instanceof Output.Swap;
        };
    }

    @Override
    public String toString() {
        return switch (kind) {
            case GET, DELETE -> kind + " " + key;
            case PUT -> "PUT " + key + " " + Output.describe(value);
            case CAS -> "CAS " + key + " " + Output.describe(expected) + "->" + Output.describe(value);
        };
    }
}
