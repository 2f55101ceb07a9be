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
