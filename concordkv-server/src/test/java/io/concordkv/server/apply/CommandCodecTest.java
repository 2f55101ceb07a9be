package io.concordkv.server.apply;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.concordkv.api.Bytes;
import io.concordkv.api.KvException;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.Compare;
import io.concordkv.txn.TxnOp;
import io.concordkv.txn.TxnRequest;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CommandCodecTest {
    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private static WriteCommand roundTrip(WriteCommand c) {
        return CommandCodec.decode(CommandCodec.encode(c));
    }

    @Test
    void everyCommandSurvivesARoundTrip() {
        assertThat(roundTrip(new WriteCommand.Put(b("k"), Bytes.wrap(new byte[] {0, (byte) 0xff}), 7, true, false)))
            .isEqualTo(new WriteCommand.Put(b("k"), Bytes.wrap(new byte[] {0, (byte) 0xff}), 7, true, false));
        assertThat(roundTrip(new WriteCommand.Compact(42))).isEqualTo(new WriteCommand.Compact(42));
        assertThat(roundTrip(new WriteCommand.LeaseGrant(5, 60))).isEqualTo(new WriteCommand.LeaseGrant(5, 60));
        assertThat(roundTrip(new WriteCommand.LeaseRevoke(5))).isEqualTo(new WriteCommand.LeaseRevoke(5));
        WriteCommand.DeleteRange d = (WriteCommand.DeleteRange) roundTrip(
            new WriteCommand.DeleteRange(ScanRange.between(b("a"), b("z")).withLimit(3).reversed()));
        assertThat(d.keys().start()).isEqualTo(b("a"));
        assertThat(d.keys().end()).contains(b("z"));
        assertThat(d.keys().limit()).isEqualTo(3);
        assertThat(d.keys().isReverse()).isTrue();
    }

    @Test
    void aTransactionKeepsItsComparesAndBothBranches() {
        TxnRequest t = new TxnRequest(
            List.of(new Compare(b("k"), Optional.of(b("l")), Compare.Target.MOD, Compare.Op.GREATER, 9, Bytes.EMPTY),
                // an empty end (every key from k on) stays apart from no end (k alone)
                new Compare(b("k"), Optional.of(Bytes.EMPTY), Compare.Target.MOD, Compare.Op.LESS, 5, Bytes.EMPTY),
                new Compare(b("k"), Optional.empty(), Compare.Target.MOD, Compare.Op.LESS, 5, Bytes.EMPTY)),
            List.of(new TxnOp.Put(b("k"), b("v"), 0, true), new TxnOp.Range(ScanRange.prefix(b("p")))),
            List.of(new TxnOp.DeleteRange(ScanRange.from(b("x")), false)));
        TxnRequest back = ((WriteCommand.Txn) roundTrip(new WriteCommand.Txn(t))).request();
        assertThat(back.compares()).isEqualTo(t.compares());
        assertThat(back.success().get(0)).isEqualTo(t.success().get(0));
        assertThat(((TxnOp.Range) back.success().get(1)).range().end()).isEqualTo(ScanRange.prefix(b("p")).end());
        assertThat(((TxnOp.DeleteRange) back.failure().get(0)).range().end()).isEmpty();
    }

    @Test
    void truncatedOrForgedInputIsCorruptionNotACrash() {
        byte[] full = CommandCodec.encode(new WriteCommand.Put(b("key"), b("value"), 0, false, false));
        assertThatThrownBy(() -> CommandCodec.decode(Arrays.copyOf(full, full.length - 3)))
            .isInstanceOf(KvException.class);
        byte[] forged = full.clone();
        forged[2] = 0x7f; // key length now huge
        assertThatThrownBy(() -> CommandCodec.decode(forged)).isInstanceOf(KvException.class)
            .hasMessageContaining("bad length");
        assertThatThrownBy(() -> CommandCodec.decode(new byte[] {9, 1})).isInstanceOf(KvException.class)
            .hasMessageContaining("version");
    }
}
