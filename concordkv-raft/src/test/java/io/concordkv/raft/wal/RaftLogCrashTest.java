package io.concordkv.raft.wal;

import static io.concordkv.raft.wal.WalFixture.THREE;
import static io.concordkv.raft.wal.WalFixture.all;
import static io.concordkv.raft.wal.WalFixture.describe;
import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.RaftStorage;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import io.concordkv.storage.fs.FaultyFileIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A seeded workload of appends, overwrites, fsync-less saves, own and installed snapshots and
 * purges, with simulated power losses (unsynced bytes dropped): after each, the reopened state must
 * be exactly the state after one of the operations since the last synced one. A failure replays
 * exactly from its seed.
 */
class RaftLogCrashTest {
    @TempDir
    Path dir;

    private final FaultyFileIo disk = new FaultyFileIo();

    /** What a member's durable state looks like from the core. */
    record State(long snapshotIndex, long snapshotTerm, String image, List<String> entries, HardState hardState) {
        static State of(RaftStorage s) {
            SnapshotMeta meta = s.snapshot().meta();
            HardState hs = s.hardState();
            if (hs.commit() < meta.index()) {
                hs = new HardState(hs.term(), hs.vote(), meta.index());
            }
            return new State(meta.index(), meta.term(), HexFormat.of().formatHex(s.snapshot().data()),
                describe(all(s)), hs);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5, 6})
    void everyCrashRecoversAStateReachedSinceTheLastSync(long seed) throws IOException {
        Random random = new Random(seed);
        RaftLogOptions options = RaftLogOptions.defaults().withIo(disk).withSegmentBytes(2048);
        SegmentedRaftLog log = SegmentedRaftLog.open(dir, options);
        for (int crash = 0; crash < 3; crash++) {
            List<State> possible = new ArrayList<>(List.of(State.of(log.storage())));
            int ops = 15 + random.nextInt(40);
            for (int i = 0; i < ops; i++) {
                boolean synced = step(log, random);
                if (synced) {
                    possible.clear();
                }
                possible.add(State.of(log.storage()));
            }
            disk.crash();
            log = SegmentedRaftLog.open(dir, options);
            assertThat(possible).as("seed %d, crash %d", seed, crash).contains(State.of(log.storage()));
        }
        log.close();
    }

    /** One random operation; returns whether it synced. */
    private static boolean step(SegmentedRaftLog log, Random random) {
        RaftStorage s = log.storage();
        long snapshotIndex = s.firstIndex() - 1;
        long last = s.lastIndex();
        long commit = Math.max(s.hardState().commit(), snapshotIndex);
        long term = Math.max(Math.max(1, s.hardState().term()), s.term(last));
        int dice = random.nextInt(100);
        if (dice < 4) {
            long index = last + 1 + random.nextInt(20);
            return log.installSnapshot(image(index, term));
        }
        if (dice < 12 && commit > snapshotIndex) {
            long index = snapshotIndex + 1 + random.nextInt((int) (commit - snapshotIndex));
            return log.compactTo(image(index, s.term(index)));
        }
        boolean overwrite = dice < 30 && last > commit;
        long from = overwrite ? commit + 1 + random.nextInt((int) (last - commit)) : last + 1;
        long entryTerm = overwrite ? term + 1 : term;
        int count = random.nextInt(6);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            entries.add(Entry.normal(entryTerm, from + i, ("seed data " + random.nextInt()).getBytes(StandardCharsets.UTF_8)));
        }
        long newLast = count > 0 ? from + count - 1 : last;
        long newCommit = commit + random.nextInt((int) (Math.max(newLast, commit) - commit) + 1);
        boolean sync = random.nextBoolean();
        log.save(new HardState(entryTerm, random.nextInt(4), newCommit), entries, sync);
        return sync;
    }

    private static Snapshot image(long index, long term) {
        return new Snapshot(new SnapshotMeta(index, term, THREE), ("state at " + index).getBytes(StandardCharsets.UTF_8));
    }
}
