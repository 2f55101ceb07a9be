package io.concordkv.storage;

import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FileIo;
import io.concordkv.storage.log.LogVerifier;
import io.concordkv.storage.snapshot.SnapshotFile;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks every checksum of a store directory without changing anything (the {@code check} of
 * {@code concordkv local}): each log segment record by record, each snapshot file entry by entry.
 * It does not take the directory's lock, so run it on a closed store for a stable answer.
 */
public final class StoreVerifier {

    /**
     * What a check found.
     *
     * @param logRecords log records checked
     * @param snapshotEntries snapshot entries checked
     * @param problems corruption found, each naming file and offset; empty when clean
     * @param notes findings that are not corruption (a torn tail that opening will truncate)
     */
    public record Report(long logRecords, long snapshotEntries, List<String> problems, List<String> notes) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private StoreVerifier() {
    }

    public static Report verify(Path dir, FileIo io) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long records = 0;
        Path wal = dir.resolve("wal");
        if (io.exists(wal)) {
            LogVerifier.Result log = LogVerifier.verify(wal, io);
            records = log.records();
            problems.addAll(log.problems());
            notes.addAll(log.notes());
        }
        long entries = 0;
        Path snapshots = dir.resolve("snapshots");
        if (io.exists(snapshots)) {
            for (String name : io.list(snapshots).stream().sorted().toList()) {
                if (!name.matches("\\d{20}\\.(full|incr)")) {
                    continue;
                }
                try {
                    entries += SnapshotFile.read(io, snapshots.resolve(name), op -> { }).entries();
                } catch (KvException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        if (io.exists(dir.resolve("lsm"))) {
            notes.add("lsm engine files are RocksDB's; RocksDB verifies its own checksums as it reads");
        }
        return new Report(records, entries, problems, notes);
    }
}
