package io.concordkv.storage.internal;

import io.concordkv.api.Bytes;
import io.concordkv.storage.KeyValue;
import io.concordkv.storage.ScanRange;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The {@code array} engine's table: two parallel arrays of keys and values kept in key order.
 * Lookups are a binary search over contiguous references; inserting or deleting a key moves the
 * tail of the arrays, O(n), so it suits small or read-mostly data sets (overwrites stay O(log n)).
 * Not thread-safe.
 */
final class SortedArray implements SortedTable {
    private static final int INITIAL_CAPACITY = 16;

    private Bytes[] keys = new Bytes[INITIAL_CAPACITY];
    private Bytes[] values = new Bytes[INITIAL_CAPACITY];
    private int size;

    @Override
    public Bytes get(Bytes key) {
        int i = indexOf(key);
        return i >= 0 ? values[i] : null;
    }

    @Override
    public Bytes getRacy(Bytes key) {
        Bytes[] k = keys;
        Bytes[] v = values;
        int i = Arrays.binarySearch(k, 0, Math.min(size, k.length), key);
        return i >= 0 ? v[i] : null;
    }

    @Override
    public Bytes put(Bytes key, Bytes value) {
        int i = indexOf(key);
        if (i >= 0) {
            Bytes old = values[i];
            values[i] = value;
            return old;
        }
        int at = -(i + 1);
        if (size == keys.length) {
            int capacity = Math.max(INITIAL_CAPACITY, keys.length + (keys.length >> 1));
            keys = Arrays.copyOf(keys, capacity);
            values = Arrays.copyOf(values, capacity);
        }
        System.arraycopy(keys, at, keys, at + 1, size - at);
        System.arraycopy(values, at, values, at + 1, size - at);
        keys[at] = key;
        values[at] = value;
        size++;
        return null;
    }

    @Override
    public Bytes remove(Bytes key) {
        int i = indexOf(key);
        if (i < 0) {
            return null;
        }
        Bytes old = values[i];
        System.arraycopy(keys, i + 1, keys, i, size - i - 1);
        System.arraycopy(values, i + 1, values, i, size - i - 1);
        size--;
        keys[size] = null;
        values[size] = null;
        return old;
    }

    /** One move of the tail for the whole range, where removing key by key would move it once per key. */
    @Override
    public List<KeyValue> removeRange(Bytes from, Bytes to) {
        int start = insertionPoint(from);
        int end = insertionPoint(to);
        if (end <= start) {
            return List.of();
        }
        List<KeyValue> removed = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            removed.add(new KeyValue(keys[i], values[i]));
        }
        int count = end - start;
        System.arraycopy(keys, end, keys, start, size - end);
        System.arraycopy(values, end, values, start, size - end);
        Arrays.fill(keys, size - count, size, null);
        Arrays.fill(values, size - count, size, null);
        size -= count;
        return removed;
    }

    @Override
    public List<KeyValue> scan(ScanRange range) {
        int from = insertionPoint(range.start());
        int to = range.end().map(this::insertionPoint).orElse(size);
        int count = Math.max(to - from, 0);
        if (range.limit() > 0) {
            count = Math.min(count, range.limit());
        }
        List<KeyValue> out = new ArrayList<>(count);
        for (int n = 0; n < count; n++) {
            int i = range.isReverse() ? to - 1 - n : from + n;
            out.add(new KeyValue(keys[i], values[i]));
        }
        return out;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public void clear() {
        keys = new Bytes[0];
        values = new Bytes[0];
        size = 0;
    }

    /** Index of {@code key}, or {@code -(insertion point) - 1} when absent. */
    private int indexOf(Bytes key) {
        return Arrays.binarySearch(keys, 0, size, key);
    }

    /** Index of the first key at or after {@code key}. */
    private int insertionPoint(Bytes key) {
        int i = indexOf(key);
        return i >= 0 ? i : -(i + 1);
    }
}
