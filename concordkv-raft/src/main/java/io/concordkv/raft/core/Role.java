package io.concordkv.raft.core;

/** A member's role. */
public enum Role { FOLLOWER, PRE_CANDIDATE, CANDIDATE, LEADER }
