package io.concordkv.raft.core;

/**
 * The kinds of Raft message. Those marked local never cross the network: the runtime feeds them
 * to its own core (a campaign, a proposal, a read request, a report about a peer).
 */
public enum MessageType {
    /** Local: start an election now (or a pre-vote, when pre-vote is on). */
    HUP(true),
    /** Local: the leader should send heartbeats now. */
    BEAT(true),
    /** A client proposal of entries; local, or forwarded by a follower to its leader. */
    PROP(false),
    APP(false),
    APP_RESP(false),
    VOTE(false),
    VOTE_RESP(false),
    PRE_VOTE(false),
    PRE_VOTE_RESP(false),
    /** The leader sends a snapshot to a follower that is too far behind. */
    SNAP(false),
    HEARTBEAT(false),
    HEARTBEAT_RESP(false),
    /** Local: the transport could not deliver to {@code from}. */
    UNREACHABLE(true),
    /** Local: a snapshot sent to {@code from} was delivered ({@code reject == false}) or failed. */
    SNAP_STATUS(true),
    /** Ask the leader to hand leadership to {@code from}; local or forwarded. */
    TRANSFER_LEADER(false),
    /** The old leader tells the transferee to campaign at once, ignoring its timers. */
    TIMEOUT_NOW(false),
    /** A linearizable read request ({@code context} identifies it); local or forwarded. */
    READ_INDEX(false),
    READ_INDEX_RESP(false),
    /**
     * Runtime only, never stepped into the core: a member tells {@code to} that it has applied
     * {@code to}'s removal from the cluster (etcd answers a removed member with HTTP 410), so a
     * member removed while it was cut off or down learns of it when it comes back.
     */
    REMOVED(false);

    private final boolean local;

    MessageType(boolean local) {
        this.local = local;
    }

    public boolean isLocal() {
        return local;
    }

    public boolean isResponse() {
        return this == APP_RESP || this == VOTE_RESP || this == PRE_VOTE_RESP
            || this == HEARTBEAT_RESP || this == READ_INDEX_RESP;
    }
}
