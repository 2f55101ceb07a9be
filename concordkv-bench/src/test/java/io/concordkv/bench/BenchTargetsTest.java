package io.concordkv.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import org.junit.jupiter.api.Test;

class BenchTargetsTest {

    @Test
    void everyTargetStoresReadsAndScansTheKeySpace() {
        KeySpace space = new KeySpace(500, 7);
        for (String name : BenchTargets.names()) {
            try (BenchTarget target = BenchTargets.open(name)) {
                space.fill(target);
                assertThat(target.name()).isEqualTo(name);
                assertThat(target.get(space.key(123))).as(name).isEqualTo(space.value());
                assertThat(target.get(space.missingKey(123))).as(name).isNull();
                if (target.ordered()) {
                    assertThat(target.scan(space.key(450), 100)).as(name).isEqualTo(50);
                    assertThat(target.scan(space.key(0), 100)).as(name).isEqualTo(100);
                }
            }
        }
    }

    @Test
    void keysAreSixteenBytesAndValuesAHundred() {
        KeySpace space = new KeySpace(10, 1);
        assertThat(space.key(9).length()).isEqualTo(KeySpace.KEY_BYTES);
        assertThat(space.missingKey(9).length()).isEqualTo(KeySpace.KEY_BYTES);
        assertThat(space.value().length()).isEqualTo(KeySpace.VALUE_BYTES);
        assertThat(space.key(1)).isLessThan(space.key(2)).isNotEqualTo(space.missingKey(1));
        assertThat(space.key(3)).isEqualTo(Bytes.utf8("k000000000000003"));
    }
}
