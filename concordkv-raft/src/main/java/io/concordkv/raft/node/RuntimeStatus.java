package io.concordkv.raft.node;

import io.concordkv.raft.core.Role;
import java.util.List;

/** A member's runtime state for status pages: role, term, leader, commit and applied index, members. */
public record RuntimeStatus(long id, Role role, long term, long leader, long commitIndex, long appliedIndex,
                            long lastIndex, List<Member> members) {
}
