package io.concordkv.storage.log;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.fs.FileIo;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32C;

/** Reads and atomically replaces the {@code MANIFEST} of a log directory. Stateless. */
final class WalManifest {
    static final String NAME = "MANIFEST";
    /** The temporary name {@link FileIo#replaceAtomically} writes first. */
    private static final String TEMP = NAME + ".tmp";
    private static final String FIRST_LINE = "concordkv-wal-manifest 1";

    private WalManifest() {
    }

    /** The live segment names in log order, or empty when the directory has no manifest. */
    static Optional<List<String>> read(FileIo io, Path dir) throws IOException {
        Path file = dir.resolve(NAME);
        if (!io.exists(file)) {
            return Optional.empty();
        }
        String text = new String(io.readAll(file), StandardCharsets.UTF_8);
        int crcLine = text.lastIndexOf("crc32c ");
        if (crcLine < 0 || !text.startsWith(FIRST_LINE + "\n")) {
            throw corrupt(file, "missing header or checksum line");
        }
        String body = text.substring(0, crcLine);
        String stored = text.substring(crcLine + "crc32c ".length()).trim();
        if (!stored.equals(crcHex(body))) {
            throw corrupt(file, "checksum mismatch");
        }
        List<String> names = new ArrayList<>();
        for (String line : body.split("\n")) {
            if (!line.isEmpty() && !line.equals(FIRST_LINE)) {
                if (!LogFormat.isSegmentName(line)) {
                    throw corrupt(file, "bad segment name '" + line + "'");
                }
                names.add(line);
            }
        }
        return Optional.of(names);
    }

    /** Replaces the manifest with {@code names}, durably and atomically. */
    static void write(FileIo io, Path dir, List<String> names) throws IOException {
        StringBuilder body = new StringBuilder(FIRST_LINE).append('\n');
        for (String name : names) {
            body.append(name).append('\n');
        }
        String text = body + "crc32c " + crcHex(body.toString()) + "\n";
        io.replaceAtomically(dir.resolve(NAME), text.getBytes(StandardCharsets.UTF_8));
    }

    static boolean isTemp(String name) {
        return name.equals(TEMP);
    }

    private static String crcHex(String body) {
        CRC32C crc = new CRC32C();
        crc.update(body.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x", crc.getValue());
    }

    private static KvException corrupt(Path file, String why) {
        return new KvException(ErrorCode.CORRUPTION, "corrupt log manifest " + file + ": " + why);
    }
}
