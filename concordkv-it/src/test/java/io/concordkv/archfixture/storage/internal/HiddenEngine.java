package io.concordkv.archfixture.storage.internal;

/** An implementation class other modules must not touch. */
public final class HiddenEngine {
    public int size() {
        return 0;
    }
}
