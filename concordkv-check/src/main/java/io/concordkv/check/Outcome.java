package io.concordkv.check;

/** How a recorded request ended, as far as its client knows. */
public enum Outcome {
    /** The request returned an output; it took effect once, between its invoke and return. */
    OK,
    /**
     * The request definitely did not take effect (a refused write, a rejected request). The
     * checker drops it from the history.
     */
    FAILED,
    /**
     * The client does not know (a timeout, a lost connection, a crash): the request may or may not
     * have taken effect, at any time after its invoke. Its return time is treated as infinity and
     * its output as unknown; an UNKNOWN GET tells nothing and is dropped.
     */
    UNKNOWN
}
