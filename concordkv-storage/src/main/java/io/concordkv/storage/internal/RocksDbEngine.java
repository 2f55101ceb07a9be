package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.EngineStats;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import io.concordkv.storage.StorageEngine;
import io.concordkv.storage.WriteBatch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.locks.StampedLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Options;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteOptions;

/**
 * The {@code lsm} engine: RocksDB, for data larger than memory. Keys order by unsigned bytes
 * (RocksDB's default bytewise comparator). Point lookups use a 10-bit-per-key Bloom filter, so
 * misses rarely touch disk. Scans run over an iterator pinned to one implicit snapshot, so they are
 * consistent; batches use RocksDB's atomic write batch.
 *
 * <p>Durability is RocksDB's own: every write goes to its WAL, synced per write when
 * {@code syncWrites} is set, otherwise when {@link #sync()} is called (the embedded store maps
 * its fsync policies onto these two).
 *
 * <p>Thread-safe. RocksDB itself is; the read-write lock only stops calls from running on native
 * handles that {@link #close()} frees.
 */
public final class RocksDbEngine implements StorageEngine {
    static {
        RocksDB.loadLibrary();
    }

    private final StampedLock lifecycle = new StampedLock();
    private final BloomFilter bloomFilter;
    private final Options options;
    private final WriteOptions writeOptions;
    private final RocksDB db;
    private boolean closed;

    /**
     * Opens RocksDB in {@code dir}.
     *
     * @param syncWrites sync RocksDB's WAL on every write before it returns
     */
    public RocksDbEngine(Path dir, boolean syncWrites) {
        BloomFilter filter = new BloomFilter(10, false);
        Options opts = new Options().setCreateIfMissing(true)
            .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter));
        try {
            Files.createDirectories(dir);
            this.db = RocksDB.open(opts, dir.toAbsolutePath().toString());
        } catch (RocksDBException | java.io.IOException e) {
            opts.close();
            filter.close();
            throw new KvException(ErrorCode.IO_ERROR, "cannot open RocksDB in " + dir + ": " + e.getMessage(), e);
        }
        this.options = opts;
        this.bloomFilter = filter;
        this.writeOptions = new WriteOptions().setSync(syncWrites);
    }

    @Override
    public String name() {
        return "lsm";
    }

    @Override
    public boolean isOrdered() {
        return true;
    }

    @Override
    public Optional<Bytes> get(Bytes key) {
        long stamp = lifecycle.readLock();
        try {
            ensureOpen();
            byte[] value = db.get(key.unsafeArray());
            return value == null ? Optional.empty() : Optional.of(Bytes.wrap(value));
        } catch (RocksDBException e) {
            throw ioError("get", e);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    @Override
    public void put(Bytes key, Bytes value) {
        long stamp = lifecycle.readLock();
        try {
            ensureOpen();
            db.put(writeOptions, key.unsafeArray(), value.unsafeArray());
        } catch (RocksDBException e) {
            throw ioError("put", e);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    @Override
    public void delete(Bytes key) {
        long stamp = lifecycle.readLock();
        try {
            ensureOpen();
            db.delete(writeOptions, key.unsafeArray());
        } catch (RocksDBException e) {
            throw ioError("delete", e);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    @Override
    public void write(WriteBatch batch) {
        long stamp = lifecycle.readLock();
        try (org.rocksdb.WriteBatch rocksBatch = new org.rocksdb.WriteBatch()) {
            ensureOpen();
            for (WriteBatch.Op op : batch.ops()) {
                if (op instanceof WriteBatch.Put put) {
                    rocksBatch.put(put.key().unsafeArray(), put.value().unsafeArray());
                } else if (op instanceof WriteBatch.DeleteRange range) {
                    rocksBatch.deleteRange(range.from().unsafeArray(), range.to().unsafeArray());
                } else {
                    rocksBatch.delete(op.key().unsafeArray());
                }
            }
            db.write(writeOptions, rocksBatch);
        } catch (RocksDBException e) {
            throw ioError("write batch", e);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    @Override
    public List<KeyValue> scan(ScanRange range) {
        long stamp = lifecycle.readLock();
        try (Slice lower = new Slice(range.start().unsafeArray());
             Slice upper = range.end().map(end -> new Slice(end.unsafeArray())).orElse(null);
             ReadOptions read = new ReadOptions()) {
            ensureOpen();
            read.setIterateLowerBound(lower);
            if (upper != null) {
                read.setIterateUpperBound(upper);
            }
            return collect(range, read);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    private List<KeyValue> collect(ScanRange range, ReadOptions read) {
        int limit = range.limit() > 0 ? range.limit() : Integer.MAX_VALUE;
        List<KeyValue> out = new ArrayList<>(Math.min(limit, 16));
        try (RocksIterator it = db.newIterator(read)) {
            if (range.isReverse()) {
                it.seekToLast();
            } else {
                it.seekToFirst();
            }
            while (it.isValid() && out.size() < limit) {
                out.add(new KeyValue(Bytes.wrap(it.key()), Bytes.wrap(it.value())));
                if (range.isReverse()) {
                    it.prev();
                } else {
                    it.next();
                }
            }
            it.status();
        } catch (RocksDBException e) {
            throw ioError("scan", e);
        }
        return out;
    }

    @Override
    public boolean isPersistent() {
        return true;
    }

    @Override
    public void sync() {
        long stamp = lifecycle.readLock();
        try {
            ensureOpen();
            db.syncWal();
        } catch (RocksDBException e) {
            throw ioError("WAL sync", e);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    @Override
    public EngineStats stats() {
        long stamp = lifecycle.readLock();
        try {
            ensureOpen();
            long keys = db.getLongProperty("rocksdb.estimate-num-keys");
            long bytes = db.getLongProperty("rocksdb.estimate-live-data-size")
                + db.getLongProperty("rocksdb.cur-size-all-mem-tables");
            return new EngineStats(keys, bytes);
        } catch (RocksDBException e) {
            throw ioError("stats", e);
        } finally {
            lifecycle.unlockRead(stamp);
        }
    }

    @Override
    public void close() {
        long stamp = lifecycle.writeLock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            db.close();
            writeOptions.close();
            options.close();
            bloomFilter.close();
        } finally {
            lifecycle.unlockWrite(stamp);
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new KvException(ErrorCode.CLOSED, "lsm engine is closed");
        }
    }

    private static KvException ioError(String what, RocksDBException e) {
        return new KvException(ErrorCode.IO_ERROR, "RocksDB " + what + " failed: " + e.getMessage(), e);
    }
}
