package io.concordkv.raft.node;

/**
 * What a replicated log feeds: commands applied in log order on every member. Deterministic:
 * the same commands in the same order give the same state and results.
 *
 * <p>Threads: every method is called on the runtime's single apply thread, in log order.
 */
public interface StateMachine {
    /**
     * Applies the committed command at {@code index}; the result goes to the member that proposed
     * it. An exception is the command's result too (it fails the proposer's future) and must leave
     * the state as if the command had not been applied, identically on every member.
     */
    Object apply(long index, byte[] command);

    /** An image of the state after the last applied command. */
    byte[] snapshot();

    /**
     * Captures the state after the last applied command (called on the apply thread, with no
     * command applied meanwhile) and returns what builds its image, which may run on another
     * thread while later commands are applied. By default the image is built at once.
     */
    default java.util.function.Supplier<byte[]> snapshotLater() {
        byte[] image = snapshot();
        return () -> image;
    }

    /** Replaces the whole state with {@code image} (a snapshot taken by {@link #snapshot()} anywhere). */
    void restore(byte[] image);
}
