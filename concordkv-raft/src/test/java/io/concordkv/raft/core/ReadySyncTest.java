package io.concordkv.raft.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which Readies need an fsync: new entries, a snapshot, a new term or vote; not a hard state whose
 * only change is the commit index (etcd's rule).
 */
class ReadySyncTest {
    /** Carries out a Ready on a single-member node's storage, as a runtime would. */
    private static Ready persist(RaftNode node, MemoryStorage storage) {
        Ready rd = node.ready();
        rd.hardState().ifPresent(storage::setHardState);
        storage.append(rd.entries());
        node.advance(rd);
        return rd;
    }

    @Test
    void onlyEntriesSnapshotsAndNewTermsOrVotesNeedAnFsync() {
        MemoryStorage storage = new MemoryStorage();
        storage.setConfState(ConfState.ofVoters(Set.of(1L)));
        RaftNode node = new RaftNode(RaftConfig.defaults(1, new Random(1)), storage);
        node.campaign();
        Ready election = persist(node, storage);
        assertThat(election.termOrVoteChanged()).as("the campaign raised the term and voted").isTrue();
        assertThat(election.mustSync()).isTrue();

        node.propose(List.of(new byte[] {1}));
        Ready append = persist(node, storage);
        assertThat(append.entries()).isNotEmpty();
        assertThat(append.mustSync()).as("new entries").isTrue();

        Ready commit = persist(node, storage);
        assertThat(commit.hardState()).as("the commit index moved").isPresent();
        assertThat(commit.entries()).isEmpty();
        assertThat(commit.termOrVoteChanged()).isFalse();
        assertThat(commit.mustSync()).as("a commit-only hard state is written without an fsync").isFalse();
    }
}
