package io.concordkv.archfixture.txn;

import io.concordkv.archfixture.storage.internal.HiddenEngine;

/** Violation: txn reaching into storage's internal package. */
public final class TxnThing {
    public int id() {
        return new HiddenEngine().size();
    }
}
