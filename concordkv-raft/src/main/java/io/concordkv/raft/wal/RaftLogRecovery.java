package io.concordkv.raft.wal;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import io.concordkv.storage.log.SegmentedLog;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a member's directory: replays the write-ahead log, picks the newest snapshot whose image
 * is intact and from which the log rebuilds a complete log (falling back to older ones, and
 * finally to no snapshot), and tidies the snapshot directory (unfinished and superseded files
 * deleted, damaged ones renamed {@code .broken}). Used once per open, by one thread.
 */
final class RaftLogRecovery {
    private static final Logger LOG = LoggerFactory.getLogger(RaftLogRecovery.class);

    /**
     * What opening found.
     *
     * @param kept the snapshots whose files are kept, oldest first, with the log record each needs
     */
    record Recovered(SegmentedLog log, LogReplay.Result replay, Snapshot snapshot, List<LogReplay.Marker> kept,
                     List<String> events) {
    }

    private final Path dir;
    private final RaftLogOptions options;
    private final SnapshotFiles files;
    private final List<String> events = new ArrayList<>();

    RaftLogRecovery(Path dir, RaftLogOptions options, SnapshotFiles files) {
        this.dir = dir;
        this.options = options;
        this.files = files;
    }

    Recovered recover(Path walDir) throws IOException {
        events.addAll(files.removeTemps());
        List<RaftRecord> records = new ArrayList<>();
        SegmentedLog log = SegmentedLog.open(walDir, options.logOptions(), 0,
            rec -> records.add(RaftRecordCodec.decode(rec)));
        try {
            events.addAll(log.recoveryReport().events());
            Chosen chosen = choose(records);
            List<LogReplay.Marker> kept = tidySnapshots(chosen.result());
            return new Recovered(log, chosen.result(), chosen.snapshot(), kept, List.copyOf(events));
        } catch (IOException | RuntimeException e) {
            closeQuietly(log, e);
            throw e;
        }
    }

    private record Chosen(LogReplay.Result result, Snapshot snapshot) {
    }

    /** Tries the snapshots the log names, newest first, then none at all. */
    private Chosen choose(List<RaftRecord> records) throws IOException {
        List<SnapshotMeta> candidates = new ArrayList<>(records.stream()
            .filter(r -> r instanceof RaftRecord.SnapshotRecord)
            .map(r -> ((RaftRecord.SnapshotRecord) r).meta())
            .sorted(Comparator.comparingLong(SnapshotMeta::index).reversed())
            .distinct()
            .toList());
        candidates.add(SnapshotMeta.EMPTY);
        List<String> failures = new ArrayList<>();
        List<SnapshotMeta> damaged = new ArrayList<>();
        for (int i = 0; i < candidates.size(); i++) {
            SnapshotMeta meta = candidates.get(i);
            boolean newest = i == 0;
            Snapshot snapshot = Snapshot.EMPTY;
            if (meta.index() > 0) {
                if (!newest && !files.exists(meta)) {
                    continue;
                }
                try {
                    snapshot = files.read(meta);
                } catch (KvException e) {
                    if (e.code() != ErrorCode.CORRUPTION) {
                        throw e;
                    }
                    failures.add(e.getMessage());
                    damaged.add(meta);
                    continue;
                }
            }
            try {
                LogReplay.Result result = LogReplay.replay(records, meta);
                if (!failures.isEmpty()) {
                    String fellBack = "fell back to " + describe(meta) + " because " + String.join("; ", failures);
                    LOG.warn("raft log {}: {}", dir, fellBack);
                    events.add(fellBack);
                }
                for (SnapshotMeta bad : damaged) {
                    files.markBroken(bad).ifPresent(p -> events.add("renamed the damaged snapshot file to " + p));
                }
                return new Chosen(result, snapshot);
            } catch (LogReplay.NotCoveredException e) {
                failures.add("the log cannot be rebuilt from " + describe(meta) + ": " + e.getMessage());
            }
        }
        throw new KvException(ErrorCode.CORRUPTION, "cannot recover the raft log in " + dir + ": "
            + String.join("; ", failures));
    }

    /**
     * Deletes snapshot files older than the ones kept and files newer than every marker (written
     * just before a crash, never recorded); returns the kept snapshots, oldest first.
     */
    private List<LogReplay.Marker> tidySnapshots(LogReplay.Result result) throws IOException {
        List<LogReplay.Marker> usable = new ArrayList<>();
        for (LogReplay.Marker m : result.markers()) {
            if (files.exists(m.meta())) {
                usable.add(m);
            }
        }
        List<LogReplay.Marker> kept = List.copyOf(
            usable.subList(Math.max(0, usable.size() - options.snapshotsKept()), usable.size()));
        long oldestKept = kept.isEmpty() ? result.base().index() : kept.get(0).meta().index();
        for (SnapshotFiles.FileId id : files.list()) {
            boolean superseded = id.index() < oldestKept;
            boolean unrecorded = id.index() > result.newestMarkerIndex();
            if (superseded || unrecorded) {
                files.delete(id);
                events.add("deleted " + (superseded ? "superseded" : "unrecorded") + " snapshot file "
                    + SnapshotFiles.name(id.term(), id.index()));
            }
        }
        return kept;
    }

    private String describe(SnapshotMeta meta) {
        return meta.index() == 0 ? "no snapshot (the log from index 1)" : "snapshot file " + files.path(meta);
    }

    private static void closeQuietly(SegmentedLog log, Exception cause) {
        try {
            log.close();
        } catch (IOException | RuntimeException e) {
            cause.addSuppressed(e);
        }
    }
}
