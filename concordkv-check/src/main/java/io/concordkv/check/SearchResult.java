package io.concordkv.check;

/**
 * What a {@link WglSearch} found for one key.
 *
 * @param verdict the verdict
 * @param longestPrefix unless linearizable, the operations (indices into the key's
 *     {@link RegisterHistory}) of the deepest linearization found, in order; not to be modified
 * @param stateAfterPrefix the register's state after that prefix
 * @param statesVisited the (linearized set, state) pairs the search reached
 */
record SearchResult(Verdict verdict, int[] longestPrefix, int stateAfterPrefix, long statesVisited) {

    /** The outcomes of a search. */
    enum Verdict {
        LINEARIZABLE,
        VIOLATION,
        TIMED_OUT,
        /** The memo outgrew the memory budget. */
        TOO_LARGE
    }
}
