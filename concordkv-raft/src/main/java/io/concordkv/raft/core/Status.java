package io.concordkv.raft.core;

import java.util.Map;

/**
 * A member's consensus state at one moment, for status pages and tests.
 *
 * @param matchIndex on a leader, how far each member's log is known to match (empty otherwise)
 */
public record Status(long id, Role role, long term, long vote, long leader, long commit, long applied,
                     long firstIndex, long lastIndex, ConfState conf, Map<Long, Long> matchIndex,
                     long leadTransferee) {
}
