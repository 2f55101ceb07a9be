package io.concordkv.bench;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * Raw RocksDB through JNI with the options the {@code lsm} engine uses (create if missing, a
 * 10-bit Bloom filter, default write options): the limit the {@code lsm} engine is measured
 * against. Thread-safe as RocksDB is; close only after every caller has finished.
 */
final class RawRocksDbTarget implements BenchTarget {
    static {
        RocksDB.loadLibrary();
    }

    private final Path dir;
    private final BloomFilter filter = new BloomFilter(10, false);
    private final Options options = new Options().setCreateIfMissing(true)
        .setTableFormatConfig(new BlockBasedTableConfig().setFilterPolicy(filter));
    private final WriteOptions writeOptions = new WriteOptions();
    private final RocksDB db;

    RawRocksDbTarget(Path dir) {
        this.dir = dir;
        try {
            db = RocksDB.open(options, dir.toString());
        } catch (RocksDBException e) {
            throw new IllegalStateException("cannot open RocksDB in " + dir, e);
        }
    }

    @Override
    public String name() {
        return BenchTargets.ROCKSDB;
    }

    @Override
    public boolean ordered() {
        return true;
    }

    @Override
    public void put(Bytes key, Bytes value) {
        try {
            db.put(writeOptions, key.unsafeArray(), value.unsafeArray());
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public Bytes get(Bytes key) {
        try {
            byte[] v = db.get(key.unsafeArray());
            return v == null ? null : Bytes.wrap(v);
        } catch (RocksDBException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public int scan(Bytes start, int count) {
        List<KeyValue> out = new ArrayList<>(Math.min(count, 16));
        try (Slice lower = new Slice(start.unsafeArray());
             ReadOptions read = new ReadOptions().setIterateLowerBound(lower);
             RocksIterator it = db.newIterator(read)) {
            for (it.seekToFirst(); it.isValid() && out.size() < count; it.next()) {
                out.add(new KeyValue(Bytes.wrap(it.key()), Bytes.wrap(it.value())));
            }
        }
        return out.size();
    }

    @Override
    public void close() {
        db.close();
        writeOptions.close();
        options.close();
        filter.close();
        BenchTargets.deleteTree(dir);
    }
}
