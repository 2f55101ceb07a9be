package io.concordkv.txn;

import io.concordkv.api.Bytes;
import io.concordkv.storage.ScanRange;

/** One operation of a branch of a {@link TxnRequest}, as etcd's {@code RequestOp}. */
public sealed interface TxnOp permits TxnOp.Range, TxnOp.Put, TxnOp.DeleteRange {

    /** Reads {@code range} (limit and direction honoured), seeing the earlier writes of the same branch. */
    record Range(ScanRange range) implements TxnOp {
    }

    /** Writes {@code key}; with {@code prevKv} the result carries the replaced version. */
    record Put(Bytes key, Bytes value, long lease, boolean prevKv) implements TxnOp {
        public static Put of(Bytes key, Bytes value) {
            return new Put(key, value, 0, false);
        }
    }

    /** Deletes every key in {@code range} (its limit is ignored); with {@code prevKv} the result carries them. */
    record DeleteRange(ScanRange range, boolean prevKv) implements TxnOp {
        public static DeleteRange key(Bytes key) {
            return new DeleteRange(ScanRange.between(key, successor(key)), false);
        }

        static Bytes successor(Bytes key) {
            return Bytes.wrap(java.util.Arrays.copyOf(key.unsafeArray(), key.length() + 1));
        }
    }
}
