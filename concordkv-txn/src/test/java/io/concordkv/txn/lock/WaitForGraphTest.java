package io.concordkv.txn.lock;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The wait-for graph on its own, with edges set by hand: cycle search, the choice of victim, the
 * formation time of a cycle, and the periodic backstop search.
 */
class WaitForGraphTest {
    private final WaitForGraph graph = new WaitForGraph();
    private final List<LockOwner> owners = new ArrayList<>();
    private final List<LockRequest> requests = new ArrayList<>();

    WaitForGraphTest() {
        graph.lock();
        for (int id = 0; id <= 6; id++) {
            LockOwner owner = new LockOwner(id);
            owners.add(owner);
            LockEntry entry = new LockEntry(Bytes.utf8("key" + id));
            requests.add(new LockRequest(owner, entry, LockMode.EXCLUSIVE, false, Thread.currentThread()));
        }
    }

    @AfterEach
    void unlock() {
        graph.unlock();
    }

    @Test
    void chainWithoutCycleHasNoVictim() {
        edges(1, 100, 2);
        edges(2, 100, 3);
        edges(3, 100, 4);
        assertThat(graph.breakAllCycles()).isEmpty();
        assertThat(graph.size()).isEqualTo(3);
    }

    @Test
    void cycleOfTwoFailsTheYoungestAndDatesTheCycleByItsLastEdge() {
        edges(5, 100, 2);
        assertThat(graph.breakCycles(List.of(owner(5)))).isEmpty();
        edges(2, 250, 5);
        List<LockRequest> victims = graph.breakCycles(List.of(owner(2)));

        assertThat(victims).containsExactly(request(5));
        assertThat(request(5).isWaiting()).isFalse();
        assertThat(request(5).failure().code()).isEqualTo(ErrorCode.DEADLOCK);
        assertThat(request(5).failure().getMessage()).contains("5 -> 2 -> 5").contains("owner 5 is the youngest");
        assertThat(request(5).cycleFormedNanos()).contains(250L);
        assertThat(owner(5).failure()).containsSame(request(5).failure());
        assertThat(request(2).isWaiting()).isTrue();
        assertThat(graph.size()).isEqualTo(1);
    }

    @Test
    void cycleOfThreeInsideALargerGraphLosesExactlyOneOwner() {
        edges(1, 10, 2);
        edges(2, 20, 4);
        edges(4, 30, 3);
        edges(3, 40, 2, 6);
        edges(6, 50, 0);
        List<LockRequest> victims = graph.breakCycles(List.of(owner(3)));

        assertThat(victims).containsExactly(request(4));
        assertThat(request(4).failure().getMessage()).contains("cycle 4 -> 3 -> 2 -> 4:");
        assertThat(request(4).cycleFormedNanos()).contains(40L);
        assertThat(graph.size()).isEqualTo(4);
        assertThat(graph.breakAllCycles()).isEmpty();
    }

    @Test
    void everyCycleLosesItsOwnYoungest() {
        edges(1, 10, 2);
        edges(2, 10, 1);
        edges(3, 10, 6);
        edges(6, 10, 4);
        edges(4, 10, 3);
        List<LockRequest> victims = graph.breakAllCycles();
        assertThat(victims).containsExactlyInAnyOrder(request(2), request(6));
        assertThat(graph.size()).isEqualTo(3);
    }

    @Test
    void rewrittenEdgesKeepTheTimeTheyWereFirstAdded() {
        assertThat(graph.setEdges(request(1), List.of(owner(2)), 100)).isTrue();
        assertThat(graph.setEdges(request(1), List.of(owner(2)), 200)).isFalse();
        assertThat(graph.setEdges(request(1), List.of(owner(2), owner(3)), 300)).isTrue();
        edges(3, 400, 1);
        assertThat(graph.breakAllCycles()).containsExactly(request(3));
        assertThat(request(3).cycleFormedNanos()).contains(400L);

        edges(5, 500, 4);
        edges(4, 600, 5);
        graph.setEdges(request(4), List.of(owner(5)), 700);
        assertThat(graph.breakAllCycles()).containsExactly(request(5));
        assertThat(request(5).cycleFormedNanos()).contains(600L);
    }

    @Test
    void removedNodeNoLongerClosesACycle() {
        edges(1, 10, 2);
        edges(2, 10, 1);
        graph.remove(request(2));
        assertThat(graph.breakAllCycles()).isEmpty();
        graph.remove(new LockRequest(owner(1), request(1).entry, LockMode.SHARED, false, Thread.currentThread()));
        assertThat(graph.size()).as("only the request's own node is removed").isEqualTo(1);
    }

    @Test
    void backstopDetectorBreaksACycleLeftInTheGraph() throws Exception {
        edges(3, System.nanoTime(), 4);
        edges(4, System.nanoTime(), 3);
        graph.unlock();
        CompletableFuture<List<LockRequest>> found = new CompletableFuture<>();
        DeadlockDetector detector = new DeadlockDetector(graph, Duration.ofMillis(5), found::complete);
        try {
            assertThat(found.get(10, TimeUnit.SECONDS)).containsExactly(request(4));
        } finally {
            detector.close();
            graph.lock();
        }
        assertThat(request(4).failure().code()).isEqualTo(ErrorCode.DEADLOCK);
        assertThat(graph.size()).isEqualTo(1);
    }

    private void edges(int from, long nanos, int... to) {
        List<LockOwner> blockers = new ArrayList<>();
        for (int id : to) {
            blockers.add(owner(id));
        }
        Collections.shuffle(blockers);
        graph.setEdges(request(from), blockers, nanos);
    }

    private LockOwner owner(int id) {
        return owners.get(id);
    }

    private LockRequest request(int id) {
        return requests.get(id);
    }
}
