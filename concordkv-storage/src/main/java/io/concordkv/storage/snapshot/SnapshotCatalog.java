package io.concordkv.storage.snapshot;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;

import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.fs.FileIo;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * The snapshots of one store directory: finds the current chain (newest full snapshot and the
 * incrementals built on it), loads it, adds snapshots to it, and deletes what no chain needs.
 * Not thread-safe: the store serialises snapshots.
 */
public final class SnapshotCatalog {
    private final FileIo io;
    private final Path dir;
    private final List<SnapshotFile.Header> chain = new ArrayList<>();
    private final List<String> events = new ArrayList<>();

    private final boolean salvage;
    private boolean leftOut;

    /** Opens {@code dir}, removing unfinished ({@code .tmp}) snapshots and finding the chain. */
    public SnapshotCatalog(FileIo io, Path dir) throws IOException {
        this(io, dir, false);
    }

    /**
     * As {@link #SnapshotCatalog(FileIo, Path)}; with {@code salvage}, a snapshot whose header or
     * checksums are bad is left out (and said so in {@link #events}) instead of failing.
     */
    public SnapshotCatalog(FileIo io, Path dir, boolean salvage) throws IOException {
        this.io = io;
        this.dir = dir;
        this.salvage = salvage;
        io.createDirectories(dir);
        List<SnapshotFile.Header> fulls = new ArrayList<>();
        List<SnapshotFile.Header> incrementals = new ArrayList<>();
        for (String name : io.list(dir)) {
            if (name.endsWith(".tmp")) {
                io.delete(dir.resolve(name));
                events.add("removed unfinished snapshot " + dir.resolve(name));
            } else if (name.matches("\\d{20}\\.(full|incr)")) {
                SnapshotFile.Header h;
                try {
                    h = SnapshotFile.readHeader(io, dir.resolve(name));
                } catch (KvException e) {
                    if (!salvage || e.code() != ErrorCode.CORRUPTION) {
                        throw e;
                    }
                    events.add("salvage: left out snapshot " + dir.resolve(name) + ": " + e.getMessage());
                    leftOut = true;
                    continue;
                }
                (h.kind() == SnapshotFile.Kind.FULL ? fulls : incrementals).add(h);
            }
        }
        fulls.stream().max(Comparator.comparingLong(SnapshotFile.Header::index)).ifPresent(full -> {
            chain.add(full);
            incrementals.sort(Comparator.comparingLong(SnapshotFile.Header::index));
            for (SnapshotFile.Header inc : incrementals) {
                if (inc.baseIndex() == chain.get(chain.size() - 1).index()) {
                    chain.add(inc);
                }
            }
        });
    }

    /** Whether any snapshot exists. */
    public boolean isEmpty() {
        return chain.isEmpty();
    }

    /** The log index the chain covers, or 0 without snapshots. */
    public long lastIndex() {
        return chain.isEmpty() ? 0 : chain.get(chain.size() - 1).index();
    }

    /** Snapshots in the chain (1 = a full snapshot alone). */
    public int chainLength() {
        return chain.size();
    }

    /** The chain's files, full snapshot first. */
    public List<Path> chainFiles() {
        return chain.stream().map(h -> dir.resolve(SnapshotFile.name(h.kind(), h.index()))).toList();
    }

    /** Whether salvage left a damaged snapshot out (opening, or {@link #load}). */
    public boolean leftOutDamaged() {
        return leftOut;
    }

    /** What opening cleaned up. */
    public List<String> events() {
        return List.copyOf(events);
    }

    /**
     * Feeds the whole chain, oldest first, into {@code visitor}; checks every checksum. With
     * salvage, each file is read whole and checked before any of its entries is fed (a file's
     * checksum covers all its entries, so no prefix of a damaged file can be trusted); a damaged
     * file is left out, said so in {@link #events}, and the rest of the chain is still fed.
     *
     * @throws KvException {@code CORRUPTION} naming the file and offset, without salvage
     */
    public void load(Consumer<WriteBatch.Op> visitor) throws IOException {
        for (Path file : chainFiles()) {
            if (!salvage) {
                SnapshotFile.read(io, file, visitor);
                continue;
            }
            List<WriteBatch.Op> entries = new ArrayList<>();
            try {
                SnapshotFile.read(io, file, entries::add);
            } catch (KvException e) {
                if (e.code() != ErrorCode.CORRUPTION) {
                    throw e;
                }
                events.add("salvage: left out snapshot " + file + " (" + e.getMessage() + "); the keys only it held"
                    + " are lost");
                leftOut = true;
                continue;
            }
            entries.forEach(visitor);
        }
    }

    /**
     * Writes a snapshot at {@code index} and makes it the chain's newest: a full snapshot starts
     * a new chain (and every older snapshot file is deleted), an incremental extends the chain.
     * Returns the file's size.
     */
    public long add(SnapshotFile.Kind kind, long index, Iterator<WriteBatch.Op> entries) throws IOException {
        if (kind == SnapshotFile.Kind.INCREMENTAL && chain.isEmpty()) {
            throw new IllegalStateException("an incremental snapshot needs a full one first");
        }
        long base = kind == SnapshotFile.Kind.FULL ? 0 : lastIndex();
        long size = SnapshotFile.write(io, dir, kind, index, base, entries);
        SnapshotFile.Header written = new SnapshotFile.Header(kind, index, base, -1);
        if (kind == SnapshotFile.Kind.FULL) {
            // a new full snapshot at the same index as an old one has replaced that file (same
            // name): delete every other snapshot, never the new one
            String newName = SnapshotFile.name(kind, index);
            chain.clear();
            chain.add(written);
            for (String name : io.list(dir)) {
                if (name.matches("\\d{20}\\.(full|incr)") && !name.equals(newName)) {
                    io.delete(dir.resolve(name));
                }
            }
        } else {
            chain.add(written);
        }
        return size;
    }
}
