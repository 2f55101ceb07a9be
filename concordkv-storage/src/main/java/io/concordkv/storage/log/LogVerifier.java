package io.concordkv.storage.log;

import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Checks a log directory record by record without repairing anything. Stateless. */
public final class LogVerifier {

    /**
     * What the check found.
     *
     * @param records valid records
     * @param problems corruption, each with file and offset
     * @param notes a torn tail (not corruption: opening truncates it) and similar findings
     */
    public record Result(long records, List<String> problems, List<String> notes) {
    }

    private LogVerifier() {
    }

    public static Result verify(Path dir, FileIo io) throws IOException {
        List<String> problems = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Optional<List<String>> manifest;
        try {
            manifest = WalManifest.read(io, dir);
        } catch (KvException e) {
            return new Result(0, List.of(e.getMessage()), notes);
        }
        if (manifest.isEmpty()) {
            notes.add("no log manifest in " + dir);
            return new Result(0, problems, notes);
        }
        List<String> names = manifest.get();
        long records = 0;
        long previous = 0;
        for (int i = 0; i < names.size(); i++) {
            Path file = dir.resolve(names.get(i));
            if (!io.exists(file)) {
                problems.add(file + ": listed in the manifest but missing");
                continue;
            }
            SegmentScanner.Result r = SegmentScanner.scan(io, file, previous, rec -> { });
            records += r.records();
            previous = r.lastIndex();
            if (!r.clean()) {
                String where = file + " at offset " + r.problemOffset() + ": " + r.problem();
                if (i == names.size() - 1 && r.unusedTail()) {
                    notes.add("unused space left by a crash (opening cuts it off): " + where);
                } else if (i == names.size() - 1 && r.tornTail()) {
                    notes.add("torn tail (opening truncates it): " + where);
                } else {
                    problems.add(where);
                }
            }
        }
        return new Result(records, problems, notes);
    }
}
