/**
 * The server in a Raft cluster: {@link io.concordkv.server.cluster.RaftReplication} feeds the
 * node's {@code KvStateMachine} from a replicated log (commands encoded by {@code CommandCodec}),
 * makes reads linearizable with ReadIndex (or the leader's lease), lets only the leader decide lease
 * expiry and logs keep-alives. The store under a cluster member is rebuilt from the Raft log at
 * every start: the Raft log is the write-ahead log (the store's own log is not synced).
 *
 * <p>Thread-safety: every class here is thread-safe.
 */
package io.concordkv.server.cluster;
