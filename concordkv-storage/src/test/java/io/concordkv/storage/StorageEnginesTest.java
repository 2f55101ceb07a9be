package io.concordkv.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import org.junit.jupiter.api.Test;

class StorageEnginesTest {

    @Test
    void everyNamedEngineOpens() {
        for (String name : StorageEngines.names()) {
            if (!name.equals(StorageEngines.LSM)) {
                try (StorageEngine engine = StorageEngines.open(EngineConfig.of(name))) {
                    assertThat(engine.name()).isEqualTo(name);
                }
            }
        }
    }

    @Test
    void unknownEngineIsAClearError() {
        assertThatThrownBy(() -> EngineConfig.of("btree"))
            .isInstanceOfSatisfying(KvException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT);
                assertThat(e.getMessage()).contains("btree").contains("rbtree");
            });
    }

    @Test
    void lsmWithoutDataDirectoryIsAClearError() {
        assertThatThrownBy(() -> StorageEngines.open(EngineConfig.of(StorageEngines.LSM)))
            .isInstanceOfSatisfying(KvException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
    }

    @Test
    void hashSegmentsMustBeAPowerOfTwo() {
        assertThatThrownBy(() -> EngineConfig.of(StorageEngines.HASH).withHashSegments(3))
            .isInstanceOf(KvException.class);
        assertThatThrownBy(() -> EngineConfig.of(StorageEngines.HASH).withHashSegments(0))
            .isInstanceOf(KvException.class);
    }

    @Test
    void unindexedPrefixMustBeAByteOrNone() {
        for (int bad : new int[] {-2, 256}) {
            assertThatThrownBy(() -> EngineConfig.of(StorageEngines.RBTREE).withUnindexedPrefix(bad))
                .isInstanceOfSatisfying(KvException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
            assertThatThrownBy(() -> StoreOptions.defaults(StorageEngines.RBTREE).withUnindexedPrefix(bad))
                .isInstanceOfSatisfying(KvException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.INVALID_ARGUMENT));
        }
        assertThat(EngineConfig.of(StorageEngines.RBTREE).unindexedPrefix()).isEqualTo(-1);
        assertThat(StoreOptions.defaults(StorageEngines.RBTREE).withUnindexedPrefix(0).unindexedPrefix()).isZero();
    }

    @Test
    void hashEngineWorksWithOneSegmentAndWithMany() {
        for (int segments : new int[] {1, 2, 1024}) {
            try (StorageEngine engine = StorageEngines.open(EngineConfig.of(StorageEngines.HASH)
                    .withHashSegments(segments))) {
                for (int i = 0; i < 200; i++) {
                    engine.put(Bytes.utf8("k" + i), Bytes.utf8("v" + i));
                }
                assertThat(engine.stats().keyCount()).isEqualTo(200);
                assertThat(engine.get(Bytes.utf8("k42"))).contains(Bytes.utf8("v42"));
                assertThat(engine.scan(ScanRange.prefix(Bytes.utf8("k1")).withLimit(3)))
                    .extracting(KeyValue::key)
                    .containsExactly(Bytes.utf8("k1"), Bytes.utf8("k10"), Bytes.utf8("k100"));
            }
        }
    }

    @Test
    void prefixEndIncrementsTheLastByteBelowFf() {
        assertThat(ScanRange.prefixEnd(Bytes.utf8("ab"))).contains(Bytes.utf8("ac"));
        assertThat(ScanRange.prefixEnd(Bytes.wrap(new byte[] {1, (byte) 0xFF})))
            .contains(Bytes.wrap(new byte[] {2}));
        assertThat(ScanRange.prefixEnd(Bytes.wrap(new byte[] {(byte) 0xFF, (byte) 0xFF}))).isEmpty();
    }
}
