package io.concordkv.storage.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.storage.WriteBatch;
import io.concordkv.storage.log.LogRecord;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LogCompactorTest {
    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private static LogRecord record(long index, WriteBatch batch) {
        return new LogRecord(index, WalCodec.BATCH, WalCodec.encode(batch));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void keepsOnlyEachKeysLastOperation(boolean dropTombstones) {
        LogRecord first = record(1, WriteBatch.builder().put(b("a"), b("a1")).put(b("b"), b("b1")).build());
        LogRecord second = record(2, WriteBatch.builder().put(b("a"), b("a2")).delete(b("c")).build());
        LogRecord third = record(3, WriteBatch.builder().put(b("d"), b("d1")).build());
        LogRecord superseded = record(4, WriteBatch.builder().put(b("b"), b("b2")).build());
        LogCompactor compactor = new LogCompactor(dropTombstones);
        List.of(first, second, third, superseded).forEach(compactor::observe);

        assertThat(compactor.rewrite(first)).as("a and b both written again later").isNull();
        assertThat(WalCodec.decode(compactor.rewrite(second)).ops()).containsExactlyElementsOf(dropTombstones
            ? List.of(new WriteBatch.Put(b("a"), b("a2")))
            : List.of(new WriteBatch.Put(b("a"), b("a2")), new WriteBatch.Delete(b("c"))));
        assertThat(compactor.rewrite(third)).as("untouched records keep their bytes").isSameAs(third.payload());
    }

    /** A put whose value is {@code ref:K} depends on key K's last operation before it. */
    private static final io.concordkv.storage.LogDependencies REFS = (payload, off, len, valueOff, valueLen) -> {
        String value = new String(payload, valueOff, valueLen, java.nio.charset.StandardCharsets.UTF_8);
        return value.startsWith("ref:") ? value.substring(4).getBytes(java.nio.charset.StandardCharsets.UTF_8) : null;
    };

    private static List<WriteBatch.Op> opsOf(byte[] payload) {
        return payload == null ? List.of() : WalCodec.decode(payload).ops();
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aPutThatDependsOnASupersededOperationKeepsItWhileThePutStays(boolean dropTombstones) {
        LogRecord first = record(1, WriteBatch.builder().put(b("a"), b("a1")).build());
        LogRecord second = record(2, WriteBatch.builder().put(b("h1"), b("ref:a")).put(b("a"), b("a2")).build());
        LogRecord third = record(3, WriteBatch.builder().put(b("h2"), b("ref:a")).put(b("a"), b("a3")).build());
        LogRecord dropH1 = record(4, WriteBatch.builder().delete(b("h1")).build());
        List<LogRecord> log = List.of(first, second, third, dropH1);

        LogCompactor plain = new LogCompactor(dropTombstones);
        log.forEach(plain::observe);
        assertThat(plain.rewrite(first)).as("with no dependencies a1 goes").isNull();
        assertThat(opsOf(plain.rewrite(second))).as("and so does a2").isEmpty();

        LogCompactor compactor = new LogCompactor(dropTombstones, false, REFS);
        log.forEach(compactor::observe);
        assertThat(compactor.rewrite(first)).as("a1's dependent put h1 was deleted: a1 goes").isNull();
        assertThat(opsOf(compactor.rewrite(second))).as("a2 stays for h2, which stays; h1 goes")
            .containsExactly(new WriteBatch.Put(b("a"), b("a2")));
        assertThat(compactor.rewrite(third)).as("h2 and the last a, untouched").isSameAs(third.payload());
        assertThat(opsOf(compactor.rewrite(dropH1))).hasSize(dropTombstones ? 0 : 1);
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aDependentPutThatARangeDeleteCoversPinsNothing(boolean preview) {
        LogRecord first = record(1, WriteBatch.builder().put(b("a"), b("a1")).build());
        LogRecord second = record(2, WriteBatch.builder().put(b("h1"), b("ref:a")).put(b("a"), b("a2")).build());
        LogRecord third = record(3, WriteBatch.builder().put(b("h2"), b("ref:a")).put(b("a"), b("a3")).build());
        LogRecord cut = record(4, WriteBatch.builder().deleteRange(b("h1"), b("h2")).build());
        List<LogRecord> log = List.of(first, second, third, cut);
        LogCompactor compactor = new LogCompactor(true, preview, REFS);
        if (preview) {
            log.forEach(compactor::preview);
        }
        log.forEach(compactor::observe);

        assertThat(compactor.rewrite(first)).as("h1 is cut: a1 goes").isNull();
        assertThat(opsOf(compactor.rewrite(second))).containsExactly(new WriteBatch.Put(b("a"), b("a2")));
        assertThat(compactor.rewrite(third)).isSameAs(third.payload());
    }

    /**
     * A put of key {@code a} whose value is {@code fN} files a's previous state under {@code hN}:
     * it depends on a's last operation before it, for as long as {@code hN} lasts.
     */
    private static final io.concordkv.storage.LogDependencies FILING = new io.concordkv.storage.LogDependencies() {
        @Override
        public byte[] dependency(byte[] payload, int off, int len, int valueOff, int valueLen) {
            return valueLen > 0 && payload[valueOff] == 'f' ? java.util.Arrays.copyOfRange(payload, off, off + len) : null;
        }

        @Override
        public byte[] alsoWrites(byte[] payload, int off, int len, int valueOff, int valueLen) {
            if (valueLen == 0 || payload[valueOff] != 'f') {
                return null;
            }
            byte[] h = java.util.Arrays.copyOfRange(payload, valueOff, valueOff + valueLen);
            h[0] = 'h';
            return h;
        }
    };

    /**
     * A key's chain of filing puts stays as far back as what they file does: each kept put keeps
     * the one before it, in turn, until one whose filed key a later range delete removes.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aChainOfFilingPutsKeepsItsLinksUntilTheFiledKeyIsCut(boolean preview) {
        LogRecord first = record(1, WriteBatch.builder().put(b("a"), b("a1")).build());
        LogRecord second = record(2, WriteBatch.builder().put(b("a"), b("f2")).build());
        LogRecord third = record(3, WriteBatch.builder().put(b("a"), b("f3")).build());
        LogRecord fourth = record(4, WriteBatch.builder().put(b("a"), b("f4")).build());
        // history cut through h2: what second filed (a1) goes; what third and fourth filed stays
        LogRecord cut = record(5, WriteBatch.builder().deleteRange(b("h0"), b("h3")).build());
        List<LogRecord> log = List.of(first, second, third, fourth, cut);
        LogCompactor compactor = new LogCompactor(true, preview, FILING);
        if (preview) {
            log.forEach(compactor::preview);
        }
        log.forEach(compactor::observe);

        if (preview) {
            assertThat(compactor.rewrite(first)).as("what second files is cut later: a1 goes").isNull();
        } else {
            assertThat(compactor.rewrite(first)).as("without the preview the cut is not seen: kept, never lost")
                .isSameAs(first.payload());
        }
        assertThat(compactor.rewrite(second)).as("kept for third, which is kept for fourth").isSameAs(second.payload());
        assertThat(compactor.rewrite(third)).as("kept for fourth").isSameAs(third.payload());
        assertThat(compactor.rewrite(fourth)).isSameAs(fourth.payload());
    }

    @Test
    void aFilingPutKeepsNothingOnceItsOwnFiledKeyIsCut() {
        LogRecord first = record(1, WriteBatch.builder().put(b("a"), b("a1")).build());
        LogRecord second = record(2, WriteBatch.builder().put(b("a"), b("f2")).build());
        LogRecord third = record(3, WriteBatch.builder().put(b("a"), b("f3")).build());
        LogRecord cut = record(4, WriteBatch.builder().deleteRange(b("h0"), b("h9")).build());
        List<LogRecord> log = List.of(first, second, third, cut);
        LogCompactor compactor = new LogCompactor(true, true, FILING);
        log.forEach(compactor::preview);
        log.forEach(compactor::observe);

        assertThat(compactor.rewrite(first)).isNull();
        assertThat(compactor.rewrite(second)).isNull();
        assertThat(compactor.rewrite(third)).as("the key's last operation").isSameAs(third.payload());
    }

    @Test
    void aPutThatDependsOnNothingCompactedPinsNothing() {
        // the operation h1 depends on is below the compacted records (a snapshot's): nothing to keep here
        LogRecord first = record(1, WriteBatch.builder().put(b("h1"), b("ref:a")).put(b("a"), b("a2")).build());
        LogRecord second = record(2, WriteBatch.builder().put(b("a"), b("a3")).build());
        LogCompactor compactor = new LogCompactor(true, false, REFS);
        List.of(first, second).forEach(compactor::observe);

        assertThat(opsOf(compactor.rewrite(first))).containsExactly(new WriteBatch.Put(b("h1"), b("ref:a")));
        assertThat(compactor.rewrite(second)).isSameAs(second.payload());
    }

    private static void put(LogCompactor.KeyPositions table, Bytes key, long position) {
        table.put(key.unsafeArray(), 0, key.length(), position);
    }

    private static long get(LogCompactor.KeyPositions table, Bytes key) {
        return table.get(key.unsafeArray(), 0, key.length());
    }

    @Test
    void theKeyTableGrowsAndKeepsEveryKey() {
        LogCompactor.KeyPositions table = new LogCompactor.KeyPositions();
        List<Bytes> keys = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            keys.add(b("key-" + i));
            put(table, keys.get(i), i);
        }
        put(table, b("key-7"), 99);
        for (int i = 0; i < keys.size(); i++) {
            assertThat(get(table, keys.get(i))).isEqualTo(i == 7 ? 99 : i);
        }
        assertThat(get(table, b("absent"))).isEqualTo(-1);
        byte[] framed = "xxkey-9yy".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(table.get(framed, 2, 5)).as("a key inside a larger array").isEqualTo(9);
    }

    @Test
    void shortKeysKeptInTheTableAndLongOnesInChunksAreToldApartByEveryByteAndTheLength() {
        LogCompactor.KeyPositions table = new LogCompactor.KeyPositions();
        List<byte[]> keys = new ArrayList<>();
        // every length around the inline limit; each key differs from the base of its length in one byte
        for (int len = 0; len <= LogCompactor.KeyPositions.INLINE + 9; len++) {
            byte[] base = new byte[len];
            keys.add(base);
            for (int at = 0; at < len; at++) {
                byte[] k = base.clone();
                k[at] = (byte) 0x80;
                keys.add(k);
            }
        }
        byte[] framed = new byte[64];
        for (int i = 0; i < keys.size(); i++) {
            byte[] k = keys.get(i);
            // the same bytes inside a larger array, as in a record's payload
            java.util.Arrays.fill(framed, (byte) 0x7F);
            System.arraycopy(k, 0, framed, 5, k.length);
            assertThat(table.put(framed, 5, k.length, i)).as("key %d (%d bytes) is new", i, k.length).isEqualTo(-1);
        }
        for (int i = 0; i < keys.size(); i++) {
            byte[] k = keys.get(i);
            assertThat(table.get(k, 0, k.length)).as("key %d (%d bytes)", i, k.length).isEqualTo(i);
            assertThat(table.put(k, 0, k.length, 1000 + i)).isEqualTo(i);
        }
        assertThat(table.get(new byte[] {0, 0, 0}, 0, 3)).as("zero bytes of length 3 (stored)")
            .isEqualTo(1000 + keys.indexOf(keys.stream().filter(k -> k.length == 3).findFirst().orElseThrow()));
        assertThat(table.get(new byte[] {1}, 0, 1)).isEqualTo(-1);
    }

    /**
     * Keys whose hashes collide are told apart by their bytes: for each word of an inline key (and
     * for keys kept in chunks), many keys that differ only in that word, so that some share a
     * 32-bit hash (the test checks that they do).
     */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void keysWithTheSameHashAreToldApartByTheirBytes(int word) {
        long seed = 20261126L + word;
        java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
        int len = word < 4 ? LogCompactor.KeyPositions.INLINE : LogCompactor.KeyPositions.INLINE + 8;
        LogCompactor.KeyPositions table = new LogCompactor.KeyPositions();
        java.util.Map<Integer, Integer> hashes = new java.util.HashMap<>();
        int collisions = 0;
        int n = 300_000;
        List<byte[]> keys = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            byte[] k = new byte[len];
            java.nio.ByteBuffer.wrap(k).putLong(word * 8, random.nextLong());
            keys.add(k);
            if (hashes.put(table.hashOf(k, 0, len), i) != null) {
                collisions++;
            }
            table.put(k, 0, len, i);
        }
        assertThat(collisions).as("seed %d: the test needs keys with equal hashes", seed).isPositive();
        for (int i = 0; i < n; i++) {
            assertThat(table.get(keys.get(i), 0, len)).as("seed %d, key %d", seed, i).isEqualTo(i);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aLongRandomLogKeepsExactlyEachKeysLastOperation(boolean dropTombstones) {
        long seed = System.nanoTime();
        System.out.println("LogCompactorTest seed " + seed);
        java.util.Random random = new java.util.Random(seed);
        List<LogRecord> log = new ArrayList<>();
        java.util.Map<Bytes, WriteBatch.Op> last = new java.util.HashMap<>();
        for (int r = 1; r <= 5_000; r++) {
            WriteBatch.Builder batch = WriteBatch.builder();
            int ops = 1 + random.nextInt(4);
            for (int i = 0; i < ops; i++) {
                Bytes key = b("k" + random.nextInt(300));
                if (random.nextInt(5) == 0) {
                    batch.delete(key);
                } else {
                    batch.put(key, b("v" + r + "." + i));
                }
            }
            WriteBatch built = batch.build();
            built.ops().forEach(op -> last.put(op.key(), op));
            log.add(record(r, built));
        }
        LogCompactor compactor = new LogCompactor(dropTombstones);
        log.forEach(compactor::observe);
        java.util.Map<Bytes, WriteBatch.Op> kept = new java.util.HashMap<>();
        for (LogRecord rec : log) {
            byte[] payload = compactor.rewrite(rec);
            if (payload != null) {
                for (WriteBatch.Op op : WalCodec.decode(payload).ops()) {
                    assertThat(kept.put(op.key(), op)).as("seed %d: %s kept twice", seed, op.key()).isNull();
                }
            }
        }
        java.util.Map<Bytes, WriteBatch.Op> expected = new java.util.HashMap<>(last);
        if (dropTombstones) {
            expected.values().removeIf(op -> op instanceof WriteBatch.Delete);
        }
        assertThat(kept).as("seed %d", seed).isEqualTo(expected);
    }

    /**
     * With range deletes among the puts and deletes, the compacted log replays to the same state
     * as the whole log, on top of any older state when tombstones are kept (a snapshot below the
     * log) and from nothing when they are dropped; every key keeps one operation at most, and
     * a range delete that a later one covers is dropped.
     */
    @ParameterizedTest
    @org.junit.jupiter.params.provider.CsvSource({"true, false", "false, false", "true, true", "false, true"})
    void aLogWithRangeDeletesReplaysToTheSameStateCompacted(boolean dropTombstones, boolean preview) {
        long seed = System.nanoTime();
        System.out.println("LogCompactorTest range seed " + seed + " preview " + preview);
        java.util.Random random = new java.util.Random(seed);
        java.util.function.IntFunction<Bytes> key = i -> b(String.format("k%03d", i));
        List<LogRecord> log = new ArrayList<>();
        for (int r = 1; r <= 3_000; r++) {
            WriteBatch.Builder batch = WriteBatch.builder();
            int ops = 1 + random.nextInt(4);
            for (int i = 0; i < ops; i++) {
                int k = random.nextInt(200);
                int roll = random.nextInt(40);
                if (roll == 0) {
                    // nested ranges from one start, as history compaction writes them, and others
                    int from = random.nextBoolean() ? 0 : k;
                    batch.deleteRange(key.apply(from), key.apply(from + 1 + random.nextInt(60)));
                } else if (roll < 8) {
                    batch.delete(key.apply(k));
                } else {
                    batch.put(key.apply(k), b("v" + r + "." + i));
                }
            }
            log.add(record(r, batch.build()));
        }
        java.util.TreeMap<Bytes, Bytes> base = new java.util.TreeMap<>();
        if (!dropTombstones) {
            for (int k = 0; k < 260; k += 1 + random.nextInt(3)) {
                base.put(key.apply(k), b("base" + k));
            }
        }
        LogCompactor compactor = new LogCompactor(dropTombstones, preview);
        if (preview) {
            log.forEach(compactor::preview);
        }
        log.forEach(compactor::observe);
        List<WriteBatch> compacted = new ArrayList<>();
        for (LogRecord rec : log) {
            byte[] payload = compactor.rewrite(rec);
            if (payload != null) {
                compacted.add(WalCodec.decode(payload));
            }
        }
        java.util.TreeMap<Bytes, Bytes> whole = replay(base, log.stream().map(r -> WalCodec.decode(r.payload())).toList());
        assertThat(replay(base, compacted)).as("seed %d", seed).isEqualTo(whole);

        java.util.Set<Bytes> seen = new java.util.HashSet<>();
        List<WriteBatch.DeleteRange> ranges = new ArrayList<>();
        for (WriteBatch batch : compacted) {
            for (WriteBatch.Op op : batch.ops()) {
                if (op instanceof WriteBatch.DeleteRange range) {
                    assertThat(dropTombstones).as("seed %d: range kept although tombstones drop", seed).isFalse();
                    ranges.add(range);
                } else {
                    assertThat(seen.add(op.key())).as("seed %d: %s kept twice", seed, op.key()).isTrue();
                }
            }
        }
        for (int i = 0; i < ranges.size(); i++) {
            for (int j = i + 1; j < ranges.size(); j++) {
                WriteBatch.DeleteRange earlier = ranges.get(i);
                WriteBatch.DeleteRange later = ranges.get(j);
                assertThat(later.from().compareTo(earlier.from()) <= 0 && earlier.to().compareTo(later.to()) <= 0)
                    .as("seed %d: %s kept though %s covers it", seed, earlier, later).isFalse();
            }
        }
        assertThat(compacted.stream().mapToInt(WriteBatch::size).sum()).as("compaction removed something")
            .isLessThan(log.size());
    }

    /**
     * History records as the MVCC store writes them (a new key per overwrite) and the growing
     * range deletes of its history compaction: with the preview, the first pass keeps the covered
     * history keys out of its table, and the compacted log is the same as without.
     */
    @Test
    void thePreviewKeepsKeysThatALaterRangeDeleteCoversOutOfTheTable() {
        List<LogRecord> log = new ArrayList<>();
        java.util.function.IntFunction<Bytes> history = i -> b(String.format("h%06d", i));
        int index = 1;
        for (int i = 0; i < 3_000; i++) {
            log.add(record(index++, WriteBatch.builder().put(b("k" + i % 50), b("v" + i)).put(history.apply(i), b("old" + i))
                .build()));
            if (i % 1_000 == 999) {
                log.add(record(index++, WriteBatch.builder().deleteRange(history.apply(0), history.apply(i - 99)).build()));
            }
        }
        LogCompactor plain = new LogCompactor(true);
        log.forEach(plain::observe);
        LogCompactor previewing = new LogCompactor(true, true);
        log.forEach(previewing::preview);
        log.forEach(previewing::observe);
        assertThat(plain.trackedKeys()).isEqualTo(50 + 3_000);
        assertThat(previewing.trackedKeys()).as("the 50 live keys and the 100 history keys the last range leaves")
            .isEqualTo(50 + 100);
        for (LogRecord rec : log) {
            byte[] a = plain.rewrite(rec);
            byte[] b = previewing.rewrite(rec);
            assertThat(b == null ? null : WalCodec.decode(b).ops()).as("record %d", rec.index())
                .isEqualTo(a == null ? null : WalCodec.decode(a).ops());
        }
    }

    @Test
    void aFirstPassThatDiffersFromThePreviewIsRefused() {
        LogRecord put = record(1, WriteBatch.builder().put(b("a"), b("1")).build());
        LogRecord range = record(2, WriteBatch.builder().deleteRange(b("a"), b("b")).build());
        LogCompactor missingRange = new LogCompactor(true, true);
        missingRange.preview(put);
        missingRange.observe(put);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> missingRange.observe(range))
            .isInstanceOf(IllegalStateException.class);
        LogCompactor extraOps = new LogCompactor(true, true);
        extraOps.preview(put);
        extraOps.observe(put);
        extraOps.observe(put);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> extraOps.rewrite(put))
            .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aCoverMergesRangesAndKeepsAtMostItsLimitOfIntervals() {
        List<byte[][]> added = new ArrayList<>();
        LogCompactor.Cover cover = null;
        for (int i = 0; i < 20; i++) {
            byte[] from = {(byte) (10 * i)};
            byte[] to = {(byte) (10 * i + 5)};
            cover = LogCompactor.Cover.with(cover, from, to);
            added.add(new byte[][] {from, to});
        }
        int covered = 0;
        for (int k = 0; k < 256; k++) {
            byte[] key = {(byte) k};
            boolean inSome = k % 10 < 5 && k < 200;
            if (cover.contains(key, 0, 1)) {
                assertThat(inSome).as("key %d is in no range added", k).isTrue();
                covered++;
            }
        }
        assertThat(covered).isEqualTo(LogCompactor.Cover.MAX_INTERVALS * 5);
        LogCompactor.Cover merged = LogCompactor.Cover.with(cover, new byte[] {0}, new byte[] {(byte) 250});
        for (int k = 0; k < 256; k++) {
            assertThat(merged.contains(new byte[] {(byte) k}, 0, 1)).as("key %d", k).isEqualTo(k < 250);
        }
        assertThat(LogCompactor.Cover.with(merged, new byte[] {3}, new byte[] {7})).as("inside: the same cover")
            .isSameAs(merged);
    }

    private static java.util.TreeMap<Bytes, Bytes> replay(java.util.TreeMap<Bytes, Bytes> base, List<WriteBatch> batches) {
        java.util.TreeMap<Bytes, Bytes> state = new java.util.TreeMap<>(base);
        for (WriteBatch batch : batches) {
            for (WriteBatch.Op op : batch.ops()) {
                if (op instanceof WriteBatch.Put put) {
                    state.put(put.key(), put.value());
                } else if (op instanceof WriteBatch.DeleteRange range) {
                    state.subMap(range.from(), range.to()).clear();
                } else {
                    state.remove(op.key());
                }
            }
        }
        return state;
    }
}
