package io.concordkv.storage.log;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Opens a log directory: reads the manifest, removes files a crash left behind, checks every
 * record of every live segment, truncates a torn tail, and fails on (or, in salvage mode, cuts
 * off at) corruption. Used once per open, by one thread.
 */
final class LogRecovery {
    /** The recovered state a {@link SegmentedLog} starts from. */
    record Outcome(List<Segment> sealed, Segment active, long nextIndex, RecoveryReport report) {
    }

    private final Path dir;
    private final LogOptions options;
    private final FileIo io;
    private final List<String> events = new ArrayList<>();
    private long truncatedBytes;
    private long records;

    LogRecovery(Path dir, LogOptions options) {
        this.dir = dir;
        this.options = options;
        this.io = options.io();
    }

    Outcome recover(long replayAfter, Consumer<LogRecord> visitor) throws IOException {
        io.createDirectories(dir);
        Optional<List<String>> manifest = WalManifest.read(io, dir);
        if (manifest.isEmpty()) {
            if (io.list(dir).stream().anyMatch(LogFormat::isSegmentName)) {
                throw new KvException(ErrorCode.CORRUPTION, "log " + dir + " has segments but no "
                    + WalManifest.NAME);
            }
            return fresh(1);
        }
        List<String> names = manifest.get();
        removeLeftovers(names);
        List<Segment> live = new ArrayList<>();
        long previous = 0;
        boolean dropped = false;
        for (int i = 0; i < names.size() && !dropped; i++) {
            Path file = dir.resolve(names.get(i));
            if (!io.exists(file)) {
                dropped = failOrSalvage(file, 0, "segment listed in the manifest is missing", names, i);
                continue;
            }
            SegmentScanner.Result r = SegmentScanner.scan(io, file, previous, rec -> {
                if (rec.index() > replayAfter) {
                    visitor.accept(rec);
                }
            });
            records += r.records();
            if (!r.clean()) {
                if (i == names.size() - 1 && r.unusedTail()) {
                    io.truncate(file, r.validBytes());
                } else if (i == names.size() - 1 && r.tornTail()) {
                    truncate(file, r, "torn write");
                } else {
                    dropped = failOrSalvage(file, r.problemOffset(), r.problem(), names, i);
                    if (r.validBytes() == 0) {
                        io.delete(file);
                        continue;
                    }
                    truncate(file, r, "salvage");
                }
            }
            live.add(new Segment(file, r.firstIndex(), r.lastIndex(), r.records(), r.validBytes()));
            previous = r.lastIndex();
        }
        if (live.isEmpty()) {
            return fresh(previous + 1);
        }
        if (dropped) {
            List<String> kept = live.stream().map(s -> s.file().getFileName().toString()).toList();
            WalManifest.write(io, dir, kept);
        }
        Segment active = live.remove(live.size() - 1);
        long next = Math.max(previous, active.firstIndex() - 1) + 1;
        return new Outcome(live, active, next, new RecoveryReport(records, truncatedBytes, events));
    }

    /** Throws on corruption, or in salvage mode drops segments after {@code i} and says so. */
    private boolean failOrSalvage(Path file, long offset, String problem, List<String> names, int i)
            throws IOException {
        String where = file + " at offset " + offset + ": " + problem;
        if (!options.salvage()) {
            throw new KvException(ErrorCode.CORRUPTION, "corrupt log segment " + where
                + " (open with salvage to keep the valid prefix)");
        }
        events.add("salvage: corruption in " + where + "; kept the records before it");
        for (String later : names.subList(i + 1, names.size())) {
            Path laterFile = dir.resolve(later);
            if (io.exists(laterFile)) {
                truncatedBytes += io.size(laterFile);
                io.delete(laterFile);
            }
            events.add("salvage: dropped segment " + laterFile);
        }
        return true;
    }

    private void truncate(Path file, SegmentScanner.Result r, String why) throws IOException {
        long cut = r.fileBytes() - r.validBytes();
        io.truncate(file, r.validBytes());
        truncatedBytes += cut;
        events.add(why + ": truncated " + file + " at offset " + r.validBytes() + " (" + cut + " bytes: "
            + r.problem() + ")");
    }

    private void removeLeftovers(List<String> live) throws IOException {
        Set<String> keep = new HashSet<>(live);
        for (String name : io.list(dir)) {
            if ((LogFormat.isSegmentName(name) && !keep.contains(name)) || WalManifest.isTemp(name)) {
                io.delete(dir.resolve(name));
                events.add("removed leftover file " + dir.resolve(name));
            }
        }
    }

    private Outcome fresh(long firstIndex) throws IOException {
        String name = LogFormat.segmentName(firstIndex, 0);
        Path file = dir.resolve(name);
        SegmentedLog.createSegment(io, dir, file, firstIndex, 0, false).close();
        WalManifest.write(io, dir, List.of(name));
        Segment active = new Segment(file, firstIndex, firstIndex - 1, 0, LogFormat.HEADER_BYTES);
        return new Outcome(List.of(), active, firstIndex, new RecoveryReport(records, truncatedBytes, events));
    }
}
