package io.concordkv.txn;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.storage.ScanRange;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which conditional transactions write a key twice in one branch, by etcd's rule. */
class TxnRequestTest {
    private static Bytes b(String s) {
        return Bytes.utf8(s);
    }

    private static TxnRequest success(TxnOp... ops) {
        return new TxnRequest(List.of(), List.of(ops), List.of());
    }

    @Test
    void twoPutsOfAKeyOrAPutInsideADeleteOfTheSameBranchWriteItTwice() {
        assertThat(success(TxnOp.Put.of(b("k"), b("1")), TxnOp.Put.of(b("k"), b("2"))).keyWrittenTwice())
            .contains(b("k"));
        assertThat(success(new TxnOp.DeleteRange(ScanRange.between(b("a"), b("m")), false), TxnOp.Put.of(b("k"), b("1")))
            .keyWrittenTwice()).as("the delete comes first").contains(b("k"));
        assertThat(success(TxnOp.Put.of(b("k"), b("1")), new TxnOp.DeleteRange(ScanRange.from(b("c")), false))
            .keyWrittenTwice()).as("the delete comes after").contains(b("k"));
        assertThat(new TxnRequest(List.of(), List.of(), List.of(TxnOp.Put.of(b("f"), b("1")), TxnOp.DeleteRange.key(b("f"))))
            .keyWrittenTwice()).as("the failure branch is checked too").contains(b("f"));
    }

    @Test
    void distinctPutsOverlappingDeletesAndTheTwoBranchesApartAreAllowed() {
        assertThat(success(TxnOp.Put.of(b("a"), b("1")), TxnOp.Put.of(b("b"), b("1")),
            new TxnOp.Range(ScanRange.all()), new TxnOp.DeleteRange(ScanRange.between(b("c"), b("x")), false),
            new TxnOp.DeleteRange(ScanRange.between(b("d"), b("e")), false), TxnOp.DeleteRange.key(b("d")))
            .keyWrittenTwice()).isEmpty();
        assertThat(success(TxnOp.Put.of(b("m"), b("1")), new TxnOp.DeleteRange(ScanRange.between(b("a"), b("m")), false))
            .keyWrittenTwice()).as("a delete range ends before its end key").isEmpty();
        assertThat(new TxnRequest(List.of(), List.of(TxnOp.Put.of(b("k"), b("1"))), List.of(TxnOp.Put.of(b("k"), b("2"))))
            .keyWrittenTwice()).as("one key in each branch").isEmpty();
    }
}
