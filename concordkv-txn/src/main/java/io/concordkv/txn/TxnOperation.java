package io.concordkv.txn;

import io.concordkv.api.Bytes;
import java.util.List;
import java.util.Optional;

/**
 * One entry of a transaction's operation list, as it happened: what was asked and what it saw.
 *
 * @param end exclusive end of a {@code RANGE}, absent for other kinds
 * @param value the value written by a {@code PUT}
 * @param read what a read saw: the versions found (a version with mod revision 0 is the
 *     transaction's own uncommitted write)
 * @param readRevision the revision a read was served at
 */
public record TxnOperation(Kind kind, Bytes key, Optional<Bytes> end, Optional<Bytes> value, List<KeyVersion> read,
                           long readRevision) {
    public enum Kind { GET, GET_FOR_UPDATE, RANGE, PUT, DELETE }

    public TxnOperation {
        read = List.copyOf(read);
    }
}
