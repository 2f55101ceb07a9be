package io.concordkv.raft.wal;

import io.concordkv.raft.core.ConfState;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.HardState;
import io.concordkv.raft.core.RaftStorage;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Entries, snapshots and file helpers shared by the write-ahead log tests. */
final class WalFixture {
    static final ConfState THREE = ConfState.ofVoters(Set.of(1L, 2L, 3L));

    private WalFixture() {
    }

    static Entry entry(long term, long index) {
        return Entry.normal(term, index, ("entry " + index + " of term " + term).getBytes(StandardCharsets.UTF_8));
    }

    /** Entries {@code from..to} (inclusive) of one term. */
    static List<Entry> entries(long term, long from, long to) {
        List<Entry> out = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            out.add(entry(term, i));
        }
        return out;
    }

    static HardState hs(long term, long vote, long commit) {
        return new HardState(term, vote, commit);
    }

    static Snapshot snapshot(long term, long index) {
        return new Snapshot(new SnapshotMeta(index, term, THREE),
            ("image at " + index).getBytes(StandardCharsets.UTF_8));
    }

    /** Entries as comparable text (the records hold arrays, which compare by identity). */
    static List<String> describe(List<Entry> entries) {
        return entries.stream().map(e -> e.term() + "/" + e.index() + "/" + e.type() + "/"
            + HexFormat.of().formatHex(e.data())).toList();
    }

    /** Every entry the storage holds after its snapshot. */
    static List<Entry> all(RaftStorage s) {
        if (s.lastIndex() < s.firstIndex()) {
            return List.of();
        }
        return s.entries(s.firstIndex(), s.lastIndex() + 1, Long.MAX_VALUE);
    }

    /** Names of the files in {@code dir} ending with {@code suffix}, sorted. */
    static List<String> files(Path dir, String suffix) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(suffix)).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Flips one bit of {@code file} at {@code offset} (negative: from the end). */
    static void flipBit(Path file, long offset) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int at = (int) (offset >= 0 ? offset : bytes.length + offset);
        bytes[at] ^= 0x10;
        Files.write(file, bytes);
    }
}
