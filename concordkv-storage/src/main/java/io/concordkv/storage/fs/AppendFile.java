package io.concordkv.storage.fs;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A file open for appending. Bytes written are in the operating system's cache until
 * {@link #sync()} returns; only then do they survive a crash of the machine.
 * Used by one thread at a time.
 */
public interface AppendFile extends AutoCloseable {

    /** Appends every remaining byte of {@code data}. */
    void write(ByteBuffer data) throws IOException;

    /** Forces written bytes to stable storage (fdatasync). */
    void sync() throws IOException;

    /** Current size in bytes, including bytes not yet synced. */
    long size() throws IOException;

    @Override
    void close() throws IOException;
}
