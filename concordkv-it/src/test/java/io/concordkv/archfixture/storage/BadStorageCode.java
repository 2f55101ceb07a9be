package io.concordkv.archfixture.storage;

import io.concordkv.archfixture.txn.TxnThing;

/** Violation: the storage layer depending on the txn layer above it. */
public final class BadStorageCode {
    public int peek() {
        return new TxnThing().id();
    }
}
