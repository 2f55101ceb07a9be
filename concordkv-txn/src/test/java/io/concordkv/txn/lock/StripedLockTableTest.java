package io.concordkv.txn.lock;

import static io.concordkv.txn.lock.LockMode.EXCLUSIVE;
import static io.concordkv.txn.lock.LockMode.SHARED;
import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import java.time.Duration;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Compatibility, re-entrancy, upgrades and FIFO grants. */
class StripedLockTableTest extends LockTableFixture {

    @Test
    void sharedLocksAreCompatible() {
        LockOwner a = owner();
        LockOwner b = owner();
        table.acquire(a, A, SHARED, Duration.ZERO);
        table.acquire(b, A, SHARED, Duration.ZERO);
        assertThat(table.stats().locksHeld()).isEqualTo(2);
        table.releaseAll(a);
        table.releaseAll(b);
        assertTableEmpty();
    }

    @ParameterizedTest
    @CsvSource({"SHARED, EXCLUSIVE", "EXCLUSIVE, SHARED", "EXCLUSIVE, EXCLUSIVE"})
    void conflictingModesExcludeEachOther(LockMode held, LockMode wanted) {
        LockOwner a = owner();
        LockOwner b = owner();
        table.acquire(a, A, held, Duration.ZERO);
        assertFails(ErrorCode.LOCK_TIMEOUT, () -> table.acquire(b, A, wanted, Duration.ZERO));
        table.acquire(b, B, wanted, Duration.ZERO);
        table.releaseAll(a);
        table.acquire(b, A, wanted, Duration.ZERO);
        table.releaseAll(b);
        assertTableEmpty();
    }

    @Test
    void heldLocksSatisfyRepeatedAndWeakerRequests() {
        LockOwner a = owner();
        LockOwner b = owner();
        table.acquire(a, A, EXCLUSIVE, Duration.ZERO);
        table.acquire(a, A, SHARED, Duration.ZERO);
        table.acquire(a, A, EXCLUSIVE, Duration.ZERO);
        table.acquire(a, B, SHARED, Duration.ZERO);
        table.acquire(a, B, SHARED, Duration.ZERO);
        assertThat(table.stats().locksHeld()).isEqualTo(2);
        assertFails(ErrorCode.LOCK_TIMEOUT, () -> table.acquire(b, A, SHARED, Duration.ZERO));
        table.releaseAll(a);
        assertTableEmpty();
    }

    @Test
    void shareHolderWithWaitersBehindItStillGetsItsSharedLockAgain() throws Exception {
        LockOwner reader = owner();
        LockOwner writer = owner();
        table.acquire(reader, A, SHARED, Duration.ZERO);
        Future<Void> write = acquireAsync(writer, A, EXCLUSIVE);
        awaitWaits(1);
        table.acquire(reader, A, SHARED, Duration.ZERO);
        table.releaseAll(reader);
        assertGranted(write);
        table.releaseAll(writer);
        assertTableEmpty();
    }

    @Test
    void soleSharedHolderUpgradesAtOnce() {
        LockOwner a = owner();
        LockOwner b = owner();
        table.acquire(a, A, SHARED, Duration.ZERO);
        table.acquire(a, A, EXCLUSIVE, Duration.ZERO);
        assertThat(table.stats().locksHeld()).isEqualTo(1);
        assertFails(ErrorCode.LOCK_TIMEOUT, () -> table.acquire(b, A, SHARED, Duration.ZERO));
        table.releaseAll(a);
        assertTableEmpty();
    }

    @Test
    void upgradeWaitsForTheOtherReadersAndGoesAheadOfQueuedWriters() throws Exception {
        LockOwner upgrader = owner();
        LockOwner reader = owner();
        LockOwner writer = owner();
        table.acquire(upgrader, A, SHARED, Duration.ZERO);
        table.acquire(reader, A, SHARED, Duration.ZERO);
        Future<Void> write = acquireAsync(writer, A, EXCLUSIVE);
        awaitWaits(1);
        Future<Void> upgrade = acquireAsync(upgrader, A, EXCLUSIVE);
        awaitWaits(2);
        assertThat(upgrade).isNotDone();

        table.releaseAll(reader);
        assertGranted(upgrade);
        assertThat(write).isNotDone();
        assertThat(table.stats().locksHeld()).isEqualTo(1);

        table.releaseAll(upgrader);
        assertGranted(write);
        table.releaseAll(writer);
        assertTableEmpty();
    }

    @Test
    void writerQueuedBehindReadersIsNotOvertakenByLaterReaders() throws Exception {
        LockOwner firstReader = owner();
        LockOwner writer = owner();
        LockOwner laterReader = owner();
        table.acquire(firstReader, A, SHARED, Duration.ZERO);
        Future<Void> write = acquireAsync(writer, A, EXCLUSIVE);
        awaitWaits(1);

        assertFails(ErrorCode.LOCK_TIMEOUT, () -> table.acquire(laterReader, A, SHARED, Duration.ZERO));
        Future<Void> read = acquireAsync(laterReader, A, SHARED);
        awaitWaits(2);
        assertThat(read).isNotDone();

        table.releaseAll(firstReader);
        assertGranted(write);
        assertThat(read).isNotDone();

        table.releaseAll(writer);
        assertGranted(read);
        table.releaseAll(laterReader);
        assertTableEmpty();
    }

    @Test
    void releaseAllWakesEveryCompatibleWaiterInOrder() throws Exception {
        LockOwner writer = owner();
        LockOwner reader1 = owner();
        LockOwner reader2 = owner();
        LockOwner writer2 = owner();
        table.acquire(writer, A, EXCLUSIVE, Duration.ZERO);
        Future<Void> read1 = acquireAsync(reader1, A, SHARED);
        awaitWaits(1);
        Future<Void> read2 = acquireAsync(reader2, A, SHARED);
        awaitWaits(2);
        Future<Void> write2 = acquireAsync(writer2, A, EXCLUSIVE);
        awaitWaits(3);

        table.releaseAll(writer);
        assertGranted(read1);
        assertGranted(read2);
        assertThat(write2).isNotDone();
        assertThat(table.stats().locksHeld()).isEqualTo(2);

        table.releaseAll(reader1);
        table.releaseAll(reader2);
        assertGranted(write2);
        table.releaseAll(writer2);
        assertTableEmpty();
    }

    @Test
    void releaseAllIsIdempotentAndLeavesOtherOwnersAlone() {
        LockOwner a = owner();
        LockOwner b = owner();
        table.acquire(a, A, SHARED, Duration.ZERO);
        table.acquire(a, B, EXCLUSIVE, Duration.ZERO);
        table.acquire(b, A, SHARED, Duration.ZERO);
        table.releaseAll(a);
        table.releaseAll(a);
        assertThat(table.stats().locksHeld()).isEqualTo(1);
        assertThat(table.entryCount()).isEqualTo(1);
        table.releaseAll(b);
        table.releaseAll(owner());
        assertTableEmpty();
    }

    @Test
    void locksOnManyKeysAcrossStripesAreAllReleased() {
        LockOwner a = owner();
        for (int i = 0; i < 500; i++) {
            table.acquire(a, Bytes.utf8("key" + i), i % 2 == 0 ? SHARED : EXCLUSIVE, Duration.ZERO);
        }
        assertThat(table.entryCount()).isEqualTo(500);
        assertThat(table.stats().locksHeld()).isEqualTo(500);
        table.releaseAll(a);
        assertTableEmpty();
    }
}
