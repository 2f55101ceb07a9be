package io.concordkv.api;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BytesTest {

    @Test
    void ordersUnsignedLexicographically() {
        Bytes zero = Bytes.wrap(new byte[] {0x00});
        Bytes high = Bytes.wrap(new byte[] {(byte) 0xFF});
        Bytes mid = Bytes.wrap(new byte[] {(byte) 0x80});
        Bytes seven = Bytes.wrap(new byte[] {0x7F});
        assertThat(zero).isLessThan(seven);
        assertThat(seven).isLessThan(mid);
        assertThat(mid).isLessThan(high);
        assertThat(Bytes.EMPTY).isLessThan(zero);
        assertThat(Bytes.utf8("ab")).isLessThan(Bytes.utf8("abc"));
    }

    @Test
    void equalityAndHashFollowContent() {
        Bytes a = Bytes.copyOf(new byte[] {1, 2, 3});
        Bytes b = Bytes.wrap(new byte[] {1, 2, 3});
        assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
        assertThat(a).isNotEqualTo(Bytes.wrap(new byte[] {1, 2}));
    }

    @Test
    void theHashDependsOnEveryByteAndTheLength() {
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        int count = 0;
        for (int len = 0; len <= 40; len++) {
            byte[] base = new byte[len];
            assertThat(Bytes.copyOf(base).hashCode()).isEqualTo(Bytes.copyOf(base.clone()).hashCode());
            seen.add(Bytes.copyOf(base).hashCode());
            count++;
            for (int at = 0; at < len; at++) {
                byte[] k = base.clone();
                k[at] = 1;
                seen.add(Bytes.wrap(k).hashCode());
                count++;
            }
        }
        assertThat(seen).as("zero keys of each length, and each with one byte set, hash apart").hasSize(count);
    }

    @Test
    void theHashSpreadsSimilarKeysOverTheLowBits() {
        int buckets = 1 << 12;
        int[] counts = new int[buckets];
        int n = 100_000;
        for (int i = 0; i < n; i++) {
            counts[Bytes.utf8(String.format("key-%012d", i)).hashCode() & (buckets - 1)]++;
        }
        double expected = (double) n / buckets;
        double chi = 0;
        for (int c : counts) {
            chi += (c - expected) * (c - expected) / expected;
        }
        // 4,095 degrees of freedom: a uniform spread gives about 4,095; 4,600 is past the 99.999th percentile
        assertThat(chi).as("chi-square of the low 12 bits").isLessThan(4_600);
    }

    @Test
    void copyOfIsolatesFromCallerArray() {
        byte[] raw = {1, 2};
        Bytes copy = Bytes.copyOf(raw);
        raw[0] = 9;
        assertThat(copy.byteAt(0)).isEqualTo(1);
        assertThat(copy.toByteArray()).isNotSameAs(copy.toByteArray());
    }

    @Test
    void prefixAndHex() {
        assertThat(Bytes.utf8("abc").startsWith(Bytes.utf8("ab"))).isTrue();
        assertThat(Bytes.utf8("ab").startsWith(Bytes.utf8("abc"))).isFalse();
        assertThat(Bytes.wrap(new byte[] {0x0A, (byte) 0xFF}).toHex()).isEqualTo("0aff");
        assertThat(Bytes.wrap(new byte[0])).isSameAs(Bytes.EMPTY);
    }

    @Test
    void errorCodesAreStableAndDistinct() {
        assertThat(ErrorCode.KEY_TOO_LARGE.number()).isEqualTo(2);
        assertThat(ErrorCode.UNSUPPORTED.httpStatus()).isEqualTo(501);
        assertThat(java.util.Arrays.stream(ErrorCode.values()).map(ErrorCode::number).distinct())
            .hasSize(ErrorCode.values().length);
    }
}
