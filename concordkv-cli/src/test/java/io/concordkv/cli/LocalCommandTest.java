package io.concordkv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.Bytes;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.RandomAccessFile;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCommandTest {
    @TempDir
    Path dir;

    private StringWriter out = new StringWriter();
    private StringWriter err = new StringWriter();

    private int local(String... args) {
        out = new StringWriter();
        err = new StringWriter();
        String[] full = new String[args.length + 3];
        full[0] = "local";
        full[1] = "--data-dir";
        full[2] = dir.toString();
        System.arraycopy(args, 0, full, 3, args.length);
        return Main.run(new PrintWriter(out, true), new PrintWriter(err, true), full);
    }

    @Test
    void putGetDeleteScanAndStatsWorkAcrossInvocations() {
        assertThat(local("put", "user/1", "ada")).isZero();
        assertThat(local("put", "user/2", "grace")).isZero();
        assertThat(local("get", "user/1")).isZero();
        assertThat(out.toString()).isEqualTo("ada\n");
        assertThat(local("delete", "user/1")).isZero();
        assertThat(local("get", "user/1")).isEqualTo(1);
        assertThat(local("scan", "--prefix", "user/")).isZero();
        assertThat(out.toString()).isEqualTo("user/2\tgrace\n");
        assertThat(local("stats")).isZero();
        assertThat(out.toString()).contains("keys 1");
    }

    @Test
    void hexModeIsBinarySafe() {
        assertThat(local("--hex", "put", "00ff", "0a0b")).isZero();
        assertThat(local("--hex", "get", "00ff")).isZero();
        assertThat(out.toString()).isEqualTo("0a0b\n");
        assertThat(local("scan")).isZero();
        assertThat(out.toString()).isEqualTo("\\x00\\xff\t\\x0a\\x0b\n");
        assertThat(local("--hex", "put", "zz", "00")).isEqualTo(2);
        assertThat(err.toString()).contains("INVALID_ARGUMENT").contains("hexadecimal");
    }

    @Test
    void snapshotCompactAndCheck() {
        for (int i = 0; i < 20; i++) {
            assertThat(local("put", "k" + (i % 4), "v" + i)).isZero();
        }
        assertThat(local("snapshot")).isZero();
        assertThat(out.toString()).startsWith("full snapshot at index 20: 4 entries");
        assertThat(local("put", "k1", "new")).isZero();
        assertThat(local("snapshot")).isZero();
        assertThat(out.toString()).startsWith("incremental snapshot at index 21: 1 entries");
        assertThat(local("compact")).isZero();
        assertThat(local("check")).isZero();
        assertThat(out.toString()).contains(": ok");
        assertThat(local("get", "k1")).isZero();
        assertThat(out.toString()).isEqualTo("new\n");
    }

    /** An MVCC store's log holds references to earlier records: the plain tool must not rewrite it. */
    @Test
    void anMvccStoresLogIsReadButNeverRewrittenByThePlainTool() {
        io.concordkv.txn.MvccOptions options = io.concordkv.txn.MvccOptions.defaults(
            io.concordkv.storage.StoreOptions.defaults("rbtree"));
        try (io.concordkv.txn.MvccStore store = io.concordkv.txn.MvccStore.open(dir, options)) {
            store.put(Bytes.utf8("a"), Bytes.utf8("1"));
            store.put(Bytes.utf8("a"), Bytes.utf8("2"));
        }
        for (String rewrite : new String[] {"compact", "snapshot"}) {
            assertThat(local(rewrite)).as(rewrite).isNotZero();
            assertThat(err.toString()).contains("UNSUPPORTED").contains("through the MVCC store");
        }
        assertThat(local("check")).isZero();
        try (io.concordkv.txn.MvccStore store = io.concordkv.txn.MvccStore.open(dir, options)) {
            assertThat(store.get(Bytes.utf8("a"), 2).orElseThrow().value()).isEqualTo(Bytes.utf8("1"));
            assertThat(store.get(Bytes.utf8("a")).orElseThrow().value()).isEqualTo(Bytes.utf8("2"));
        }
    }

    @Test
    void checkFindsCorruptionWithFileAndOffsetAndExitsNonZero() throws IOException {
        for (int i = 0; i < 10; i++) {
            assertThat(local("put", "key" + i, "value" + i)).isZero();
        }
        Path segment;
        try (Stream<Path> files = Files.list(dir.resolve("wal"))) {
            segment = files.filter(p -> p.toString().endsWith(".wal")).findFirst().orElseThrow();
        }
        try (RandomAccessFile f = new RandomAccessFile(segment.toFile(), "rw")) {
            // records are 40 bytes after the 24-byte header: this is inside the third
            f.seek(24 + 2 * 40 + 20);
            int b = f.read();
            f.seek(24 + 2 * 40 + 20);
            f.write(b ^ 4);
        }
        assertThat(local("check")).isEqualTo(1);
        assertThat(out.toString()).contains("CORRUPT").contains(segment.getFileName().toString()).contains("offset");
        assertThat(local("get", "key0")).isEqualTo(2);
        assertThat(err.toString()).contains("CORRUPTION");
        assertThat(local("--salvage", "get", "key1")).isZero();
        assertThat(local("get", "key2")).isEqualTo(1);
    }

    @Test
    void escapeShowsControlAndInvalidBytes() {
        assertThat(LocalCommand.escape(Bytes.utf8("a\tb"))).isEqualTo("a\\x09b");
        assertThat(LocalCommand.escape(Bytes.wrap(new byte[] {'a', (byte) 0xC3}))).isEqualTo("a\\xc3");
        assertThat(LocalCommand.escape(Bytes.utf8("héllo"))).isEqualTo("héllo");
    }
}
