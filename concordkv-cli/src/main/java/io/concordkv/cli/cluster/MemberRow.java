package io.concordkv.cli.cluster;

import io.concordkv.client.EndpointStatus;
import java.util.Optional;

/**
 * One line of {@code cluster status}: what a member says about itself. The numbers are those of
 * etcd's Maintenance Status ({@code 0} when the member did not answer); {@code keys} is null when
 * unknown.
 *
 * @param name member name ({@code -} when not known)
 * @param pid its process id, 0 when not known
 * @param endpoint its client endpoint
 * @param state {@code up} (it answered), {@code down} (no process, or no answer without a pid to
 *     check) or {@code unresponsive} (its process runs but did not answer: starting, paused, stuck)
 * @param role {@code leader} (its leader is itself), {@code follower}, {@code no-leader}, or
 *     {@code -} when down
 * @param memberId its member id
 * @param leader the id of the member it takes for leader (0: none)
 * @param raftTerm its raft term
 * @param raftIndex its raft (commit) index
 * @param raftAppliedIndex the index it has applied
 * @param dbSize its database size in bytes
 * @param keys how many keys it holds (a serializable count), or null
 */
record MemberRow(String name, long pid, String endpoint, String state, String role, long memberId, long leader,
                 long raftTerm, long raftIndex, long raftAppliedIndex, long dbSize, Long keys) {
    static final String UP = "up";
    static final String DOWN = "down";
    static final String UNRESPONSIVE = "unresponsive";

    /** The row of a member that answered {@code status} (or did not: empty). */
    static MemberRow of(String name, long pid, String endpoint, boolean processRuns, Optional<EndpointStatus> status,
                        Optional<Long> keys) {
        if (status.isEmpty()) {
            return new MemberRow(name, pid, endpoint, processRuns ? UNRESPONSIVE : DOWN, "-", 0, 0, 0, 0, 0, 0, null);
        }
        EndpointStatus s = status.get();
        String role = s.leader() == 0 ? "no-leader" : s.leader() == s.memberId() ? "leader" : "follower";
        return new MemberRow(name, pid, endpoint, UP, role, s.memberId(), s.leader(), s.raftTerm(), s.raftIndex(),
            s.raftAppliedIndex(), s.dbSize(), keys.orElse(null));
    }

    boolean up() {
        return state.equals(UP);
    }
}
