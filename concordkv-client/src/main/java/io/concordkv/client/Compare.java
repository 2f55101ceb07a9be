package io.concordkv.client;

import io.concordkv.api.Bytes;
import java.util.Objects;

/**
 * One condition of a {@link Txn}: compares a field of {@code key} with a constant.
 *
 * @param key the key whose field is compared
 * @param target the field
 * @param operator how the field is compared with the constant
 * @param number the constant for numeric targets (version, revisions, lease)
 * @param value the constant for {@link Target#VALUE}, {@link Bytes#EMPTY} otherwise
 */
public record Compare(Bytes key, Target target, Operator operator, long number, Bytes value) {
    /** The field of the key that is compared. */
    public enum Target { VALUE, VERSION, CREATE_REVISION, MOD_REVISION, LEASE }

    /** How the field relates to the constant. */
    public enum Operator { EQUAL, NOT_EQUAL, GREATER, LESS }

    public Compare {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(value, "value");
    }

    /** Compares the key's value; a missing key never equals any value. */
    public static Compare value(Bytes key, Operator operator, Bytes value) {
        return new Compare(key, Target.VALUE, operator, 0, value);
    }

    /** Compares the key's version; a missing key has version 0. */
    public static Compare version(Bytes key, Operator operator, long version) {
        return new Compare(key, Target.VERSION, operator, version, Bytes.EMPTY);
    }

    /** Compares the revision that created the key; 0 for a missing key. */
    public static Compare createRevision(Bytes key, Operator operator, long revision) {
        return new Compare(key, Target.CREATE_REVISION, operator, revision, Bytes.EMPTY);
    }

    /** Compares the revision that last modified the key; 0 for a missing key. */
    public static Compare modRevision(Bytes key, Operator operator, long revision) {
        return new Compare(key, Target.MOD_REVISION, operator, revision, Bytes.EMPTY);
    }

    /** Compares the lease the key is attached to; 0 for none. */
    public static Compare lease(Bytes key, Operator operator, long leaseId) {
        return new Compare(key, Target.LEASE, operator, leaseId, Bytes.EMPTY);
    }
}
