package io.concordkv.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link StorageEngine} must have. Each engine runs it through a subclass
 * that names the engine; engines in other modules get it from this module's test-jar. The
 * concurrency test and the model-based property test are the interfaces
 * {@link EngineConcurrencyContract} and {@link EngineModelProperties}, which the same subclasses
 * implement.
 */
public abstract class StorageEngineContract implements EngineFixture {

    @TempDir
    Path dir;

    protected StorageEngine engine;

    /** Whether {@link StorageEngine#stats()} is exact (in-memory engines) or an estimate. */
    protected boolean exactStats() {
        return true;
    }

    /** A config for this engine with its files (if any) under {@code dir/sub}. */
    protected EngineConfig config(String sub) {
        return EngineConfig.of(engineName()).withDataDir(dir.resolve(sub));
    }

    @BeforeEach
    void openEngine() {
        engine = open(config("main"));
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    protected static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    protected static Bytes raw(int... bytes) {
        byte[] out = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            out[i] = (byte) bytes[i];
        }
        return Bytes.wrap(out);
    }

    protected static List<Bytes> keys(List<KeyValue> kvs) {
        return kvs.stream().map(KeyValue::key).toList();
    }

    @Test
    void reportsItsName() {
        assertThat(engine.name()).isEqualTo(engineName());
    }

    @Test
    void absentKeyIsEmpty() {
        assertThat(engine.get(b("missing"))).isEmpty();
    }

    @Test
    void putThenGetReturnsValue() {
        engine.put(b("k"), b("v"));
        assertThat(engine.get(b("k"))).contains(b("v"));
    }

    @Test
    void overwriteReplacesValue() {
        engine.put(b("k"), b("v1"));
        engine.put(b("k"), b("v2"));
        assertThat(engine.get(b("k"))).contains(b("v2"));
        assertThat(engine.scan(ScanRange.all())).hasSize(1);
    }

    @Test
    void deleteRemovesKeyAndAbsentDeleteIsNoOp() {
        engine.put(b("k"), b("v"));
        engine.delete(b("k"));
        engine.delete(b("never-there"));
        assertThat(engine.get(b("k"))).isEmpty();
        assertThat(engine.scan(ScanRange.all())).isEmpty();
    }

    @Test
    void emptyValueIsStoredAndDistinctFromAbsent() {
        engine.put(b("k"), Bytes.EMPTY);
        assertThat(engine.get(b("k"))).contains(Bytes.EMPTY);
        assertThat(engine.scan(ScanRange.all())).containsExactly(new KeyValue(b("k"), Bytes.EMPTY));
    }

    @Test
    void binaryKeysWithZeroAndFfBytesOrderUnsigned() {
        List<Bytes> sorted = List.of(raw(0x00), raw(0x00, 0x00), raw(0x00, 0xFF), raw(0x01),
            raw(0x7F), raw(0x80), raw(0xFF), raw(0xFF, 0x00), raw(0xFF, 0xFF));
        for (int i = sorted.size() - 1; i >= 0; i--) {
            engine.put(sorted.get(i), raw(i));
        }
        assertThat(keys(engine.scan(ScanRange.all()))).containsExactlyElementsOf(sorted);
        for (int i = 0; i < sorted.size(); i++) {
            assertThat(engine.get(sorted.get(i))).contains(raw(i));
        }
        assertThat(keys(engine.scan(ScanRange.prefix(raw(0xFF)))))
            .containsExactly(raw(0xFF), raw(0xFF, 0x00), raw(0xFF, 0xFF));
        assertThat(keys(engine.scan(ScanRange.prefix(raw(0x00)))))
            .containsExactly(raw(0x00), raw(0x00, 0x00), raw(0x00, 0xFF));
    }

    @Test
    void batchAppliesEveryOperationInOrder() {
        engine.put(b("gone"), b("x"));
        engine.write(WriteBatch.builder()
            .put(b("a"), b("1"))
            .put(b("b"), b("2"))
            .delete(b("gone"))
            .put(b("a"), b("3"))
            .put(b("c"), b("4"))
            .delete(b("c"))
            .build());
        assertThat(engine.scan(ScanRange.all())).containsExactly(
            new KeyValue(b("a"), b("3")), new KeyValue(b("b"), b("2")));
    }

    @Test
    void rangeDeleteRemovesExactlyItsRangeInBatchOrderAndItsBytes() {
        for (int i = 0; i < 100; i++) {
            engine.put(b(String.format("key-%03d", i)), Bytes.wrap(new byte[10]));
        }
        engine.write(WriteBatch.builder()
            .put(b("key-020x"), b("inside, before the range delete"))
            .deleteRange(b("key-010"), b("key-090"))
            .put(b("key-050"), b("0123456789"))
            .build());
        List<Bytes> expected = new java.util.ArrayList<>();
        for (int i = 0; i < 100; i++) {
            if (i < 10 || i >= 90 || i == 50) {
                expected.add(b(String.format("key-%03d", i)));
            }
        }
        assertThat(keys(engine.scan(ScanRange.all()))).containsExactlyElementsOf(expected);
        if (exactStats()) {
            assertThat(engine.stats().keyCount()).isEqualTo(21);
            assertThat(engine.stats().dataBytes()).isEqualTo(21L * (7 + 10));
        }
        engine.write(WriteBatch.builder().deleteRange(b("a"), b("b")).build());
        assertThat(engine.scan(ScanRange.all())).as("an empty range deletes nothing").hasSize(21);
        assertError(() -> WriteBatch.builder().deleteRange(b("b"), b("b")), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void batchWithOneInvalidOperationWritesNothing() {
        engine.put(b("a"), b("old"));
        Bytes hugeValue = Bytes.wrap(new byte[EngineLimits.DEFAULT_MAX_VALUE_BYTES + 1]);
        WriteBatch batch = WriteBatch.builder()
            .put(b("a"), b("new"))
            .delete(b("a"))
            .put(b("b"), hugeValue)
            .build();
        assertThatThrownBy(() -> engine.write(batch))
            .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.VALUE_TOO_LARGE));
        assertThat(engine.scan(ScanRange.all())).containsExactly(new KeyValue(b("a"), b("old")));
    }

    @Test
    void batchOverTheRequestLimitIsRejected() {
        try (StorageEngine small = open(config("small").withLimits(new EngineLimits(16, 16, 40)))) {
            WriteBatch.Builder builder = WriteBatch.builder();
            for (int i = 0; i < 5; i++) {
                builder.put(b("key" + i), b("value-" + i));
            }
            assertThatThrownBy(() -> small.write(builder.build()))
                .isInstanceOfSatisfying(KvException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.REQUEST_TOO_LARGE));
            assertThat(small.scan(ScanRange.all())).isEmpty();
        }
    }

    @Test
    void emptyKeyIsRejected() {
        assertError(() -> engine.put(Bytes.EMPTY, b("v")), ErrorCode.INVALID_ARGUMENT);
        assertError(() -> engine.get(Bytes.EMPTY), ErrorCode.INVALID_ARGUMENT);
        assertError(() -> engine.delete(Bytes.EMPTY), ErrorCode.INVALID_ARGUMENT);
        assertThat(engine.scan(ScanRange.all())).isEmpty();
    }

    @Test
    void keyAndValueLimitsAreEnforcedAtTheBoundary() {
        Bytes maxKey = Bytes.wrap(new byte[EngineLimits.DEFAULT_MAX_KEY_BYTES]);
        Bytes longKey = Bytes.wrap(new byte[EngineLimits.DEFAULT_MAX_KEY_BYTES + 1]);
        Bytes maxValue = Bytes.wrap(new byte[EngineLimits.DEFAULT_MAX_VALUE_BYTES]);
        Bytes longValue = Bytes.wrap(new byte[EngineLimits.DEFAULT_MAX_VALUE_BYTES + 1]);
        assertError(() -> engine.put(longKey, b("v")), ErrorCode.KEY_TOO_LARGE);
        assertError(() -> engine.put(b("k"), longValue), ErrorCode.VALUE_TOO_LARGE);
        assertThat(engine.scan(ScanRange.all())).isEmpty();
        engine.put(maxKey, maxValue);
        assertThat(engine.get(maxKey)).contains(maxValue);
    }

    @Test
    void configuredLimitsApply() {
        try (StorageEngine small = open(config("tiny").withLimits(new EngineLimits(4, 8, 1024)))) {
            assertError(() -> small.put(b("12345"), b("v")), ErrorCode.KEY_TOO_LARGE);
            assertError(() -> small.put(b("k"), b("123456789")), ErrorCode.VALUE_TOO_LARGE);
            small.put(b("1234"), b("12345678"));
            assertThat(small.get(b("1234"))).contains(b("12345678"));
        }
    }

    @Test
    void scanHonoursBoundsLimitAndDirection() {
        for (String k : List.of("a", "b", "c", "d", "e", "f")) {
            engine.put(b(k), b(k.toUpperCase()));
        }
        assertThat(keys(engine.scan(ScanRange.between(b("b"), b("e")))))
            .containsExactly(b("b"), b("c"), b("d"));
        assertThat(keys(engine.scan(ScanRange.between(b("bb"), b("e")))))
            .containsExactly(b("c"), b("d"));
        assertThat(keys(engine.scan(ScanRange.from(b("d"))))).containsExactly(b("d"), b("e"), b("f"));
        assertThat(keys(engine.scan(ScanRange.between(b("b"), b("e")).withLimit(2))))
            .containsExactly(b("b"), b("c"));
        assertThat(keys(engine.scan(ScanRange.between(b("b"), b("e")).reversed())))
            .containsExactly(b("d"), b("c"), b("b"));
        assertThat(keys(engine.scan(ScanRange.between(b("b"), b("e")).reversed().withLimit(2))))
            .containsExactly(b("d"), b("c"));
        assertThat(keys(engine.scan(ScanRange.all().reversed().withLimit(1)))).containsExactly(b("f"));
        assertThat(engine.scan(ScanRange.between(b("c"), b("c")))).isEmpty();
        assertThat(engine.scan(ScanRange.from(b("z")))).isEmpty();
        assertThat(engine.scan(ScanRange.between(b("b"), b("c")))).containsExactly(new KeyValue(b("b"), b("B")));
    }

    @Test
    void invertedRangeAndNegativeLimitAreInvalid() {
        assertError(() -> ScanRange.between(b("z"), b("a")), ErrorCode.INVALID_ARGUMENT);
        assertError(() -> ScanRange.all().withLimit(-1), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void statsCountKeysAndBytes() {
        for (int i = 0; i < 100; i++) {
            engine.put(b(String.format("key-%03d", i)), Bytes.wrap(new byte[10]));
        }
        engine.delete(b("key-000"));
        EngineStats stats = engine.stats();
        if (exactStats()) {
            assertThat(stats.keyCount()).isEqualTo(99);
            assertThat(stats.dataBytes()).isEqualTo(99L * (7 + 10));
        } else {
            assertThat(stats.keyCount()).isBetween(50L, 200L);
            assertThat(stats.dataBytes()).isPositive();
        }
    }

    @Test
    void callsAfterCloseFailWithClosedAndCloseIsIdempotent() {
        engine.put(b("k"), b("v"));
        engine.close();
        engine.close();
        assertError(() -> engine.get(b("k")), ErrorCode.CLOSED);
        assertError(() -> engine.put(b("k"), b("v")), ErrorCode.CLOSED);
        assertError(() -> engine.scan(ScanRange.all()), ErrorCode.CLOSED);
        assertError(() -> engine.write(WriteBatch.builder().put(b("k"), b("v")).build()), ErrorCode.CLOSED);
    }

    @Test
    void orderedFlagMatchesTheEngineAndScansWorkEitherWay() {
        assertThat(engine.isOrdered()).isEqualTo(!StorageEngines.HASH.equals(engineName()));
        engine.put(b("b"), b("2"));
        engine.put(b("a"), b("1"));
        assertThat(keys(engine.scan(ScanRange.all()))).containsExactly(b("a"), b("b"));
    }

    @Test
    void valuesAreIsolatedFromCallerArrays() {
        byte[] value = {1, 2, 3};
        engine.put(b("k"), Bytes.copyOf(value));
        value[0] = 9;
        Optional<Bytes> read = engine.get(b("k"));
        assertThat(read).contains(raw(1, 2, 3));
    }

    protected static void assertError(Runnable call, ErrorCode code) {
        assertThatThrownBy(call::run)
            .isInstanceOfSatisfying(KvException.class, e -> assertThat(e.code()).isEqualTo(code));
    }
}
