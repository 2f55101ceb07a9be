package io.concordkv.txn;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.util.Optional;

/**
 * One condition of a {@link TxnRequest}, as etcd's {@code Compare}: a key's value, version,
 * create revision, mod revision or lease against an operand. An absent key has version, create
 * and mod revision 0, lease 0 and no value (a value comparison on it is false, as in etcd).
 * With {@code end}, every key live in {@code [key, end)} must satisfy it; an empty {@code end} is
 * etcd's {@code range_end = "\0"}: every key from {@code key} on.
 *
 * @param number the operand for every target but {@code VALUE}
 * @param value the operand for {@code VALUE}
 */
public record Compare(Bytes key, Optional<Bytes> end, Target target, Op op, long number, Bytes value) {
    public enum Target { VALUE, VERSION, CREATE, MOD, LEASE }

    public enum Op { EQUAL, NOT_EQUAL, GREATER, LESS }

    public Compare {
        if (key == null || end == null || target == null || op == null || value == null) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "compare needs a key, a target and an operation");
        }
    }

    public static Compare value(Bytes key, Op op, Bytes operand) {
        return new Compare(key, Optional.empty(), Target.VALUE, op, 0, operand);
    }

    public static Compare version(Bytes key, Op op, long operand) {
        return new Compare(key, Optional.empty(), Target.VERSION, op, operand, Bytes.EMPTY);
    }

    public static Compare createRevision(Bytes key, Op op, long operand) {
        return new Compare(key, Optional.empty(), Target.CREATE, op, operand, Bytes.EMPTY);
    }

    public static Compare modRevision(Bytes key, Op op, long operand) {
        return new Compare(key, Optional.empty(), Target.MOD, op, operand, Bytes.EMPTY);
    }

    public static Compare lease(Bytes key, Op op, long operand) {
        return new Compare(key, Optional.empty(), Target.LEASE, op, operand, Bytes.EMPTY);
    }

    /** Whether {@code kv} (empty = the key is absent) satisfies this condition. */
    public boolean test(Optional<KeyVersion> kv) {
        if (target == Target.VALUE) {
            return kv.isPresent() && holds(kv.get().value().compareTo(value));
        }
        long actual = kv.map(v -> switch (target) {
            case VERSION -> v.version();
            case CREATE -> v.createRevision();
            case MOD -> v.modRevision();
            case LEASE -> v.lease();
            default -> throw new IllegalStateException(target.name());
        }).orElse(0L);
        return holds(Long.compare(actual, number));
    }

    private boolean holds(int cmp) {
        return switch (op) {
            case EQUAL -> cmp == 0;
            case NOT_EQUAL -> cmp != 0;
            case GREATER -> cmp > 0;
            case LESS -> cmp < 0;
        };
    }
}
