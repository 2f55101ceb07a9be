package io.concordkv.server.apply;

import io.concordkv.api.Bytes;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.Compare;
import io.concordkv.txn.TxnOp;
import io.concordkv.txn.TxnRequest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link WriteCommand}s as bytes, for a replicated log. Format (big-endian, version 1): a version
 * byte, a tag byte (1 put, 2 delete-range, 3 txn, 4 compact, 5 lease grant, 6 lease revoke, 7 lease keep-alive), then
 * the command's fields; byte strings are an int length and the bytes, a range is start, a presence
 * byte and end, limit, reverse; a txn is its compares (key, end range, target, op, number, value)
 * and its success and failure operation lists (tag 1 range, 2 put, 3 delete). Stateless.
 */
public final class CommandCodec {
    private static final int VERSION = 1;

    private CommandCodec() {
    }

    public static byte[] encode(WriteCommand command) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            if (command instanceof WriteCommand.Put p) {
                out.writeByte(1);
                writeBytes(out, p.key());
                writeBytes(out, p.value());
                out.writeLong(p.lease());
                out.writeBoolean(p.ignoreValue());
                out.writeBoolean(p.ignoreLease());
            } else if (command instanceof WriteCommand.DeleteRange d) {
                out.writeByte(2);
                writeRange(out, d.keys());
            } else if (command instanceof WriteCommand.Txn t) {
                out.writeByte(3);
                writeTxn(out, t.request());
            } else if (command instanceof WriteCommand.Compact c) {
                out.writeByte(4);
                out.writeLong(c.revision());
            } else if (command instanceof WriteCommand.LeaseGrant g) {
                out.writeByte(5);
                out.writeLong(g.id());
                out.writeLong(g.ttlSeconds());
            } else if (command instanceof WriteCommand.LeaseRevoke r) {
                out.writeByte(6);
                out.writeLong(r.id());
            } else if (command instanceof WriteCommand.LeaseKeepAlive k) {
                out.writeByte(7);
                out.writeLong(k.id());
            } else {
                throw new IllegalArgumentException("unknown command " + command);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    public static WriteCommand decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
            int version = in.readUnsignedByte();
            if (version != VERSION) {
                throw new KvException(ErrorCode.CORRUPTION, "unknown command format version " + version);
            }
            int tag = in.readUnsignedByte();
            return switch (tag) {
                case 1 -> new WriteCommand.Put(readBytes(in), readBytes(in), in.readLong(), in.readBoolean(),
                    in.readBoolean());
                case 2 -> new WriteCommand.DeleteRange(readRange(in));
                case 3 -> new WriteCommand.Txn(readTxn(in));
                case 4 -> new WriteCommand.Compact(in.readLong());
                case 5 -> new WriteCommand.LeaseGrant(in.readLong(), in.readLong());
                case 6 -> new WriteCommand.LeaseRevoke(in.readLong());
                case 7 -> new WriteCommand.LeaseKeepAlive(in.readLong());
                default -> throw new KvException(ErrorCode.CORRUPTION, "unknown command tag " + tag);
            };
        } catch (IOException e) {
            throw new KvException(ErrorCode.CORRUPTION, "truncated command: " + e);
        }
    }

    private static void writeTxn(DataOutputStream out, TxnRequest t) throws IOException {
        out.writeInt(t.compares().size());
        for (Compare c : t.compares()) {
            writeBytes(out, c.key());
            out.writeBoolean(c.end().isPresent());
            if (c.end().isPresent()) {
                writeBytes(out, c.end().get());
            }
            out.writeByte(c.target().ordinal());
            out.writeByte(c.op().ordinal());
            out.writeLong(c.number());
            writeBytes(out, c.value());
        }
        writeOps(out, t.success());
        writeOps(out, t.failure());
    }

    private static TxnRequest readTxn(DataInputStream in) throws IOException {
        int n = count(in);
        List<Compare> compares = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Bytes key = readBytes(in);
            Optional<Bytes> end = in.readBoolean() ? Optional.of(readBytes(in)) : Optional.empty();
            Compare.Target target = Compare.Target.values()[in.readUnsignedByte()];
            Compare.Op op = Compare.Op.values()[in.readUnsignedByte()];
            compares.add(new Compare(key, end, target, op, in.readLong(), readBytes(in)));
        }
        return new TxnRequest(compares, readOps(in), readOps(in));
    }

    private static void writeOps(DataOutputStream out, List<TxnOp> ops) throws IOException {
        out.writeInt(ops.size());
        for (TxnOp op : ops) {
            if (op instanceof TxnOp.Range r) {
                out.writeByte(1);
                writeRange(out, r.range());
            } else if (op instanceof TxnOp.Put p) {
                out.writeByte(2);
                writeBytes(out, p.key());
                writeBytes(out, p.value());
                out.writeLong(p.lease());
                out.writeBoolean(p.prevKv());
            } else if (op instanceof TxnOp.DeleteRange d) {
                out.writeByte(3);
                writeRange(out, d.range());
                out.writeBoolean(d.prevKv());
            }
        }
    }

    private static List<TxnOp> readOps(DataInputStream in) throws IOException {
        int n = count(in);
        List<TxnOp> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int tag = in.readUnsignedByte();
            ops.add(switch (tag) {
                case 1 -> new TxnOp.Range(readRange(in));
                case 2 -> new TxnOp.Put(readBytes(in), readBytes(in), in.readLong(), in.readBoolean());
                case 3 -> new TxnOp.DeleteRange(readRange(in), in.readBoolean());
                default -> throw new KvException(ErrorCode.CORRUPTION, "unknown txn op tag " + tag);
            });
        }
        return ops;
    }

    private static void writeRange(DataOutputStream out, ScanRange r) throws IOException {
        writeBytes(out, r.start());
        out.writeBoolean(r.end().isPresent());
        if (r.end().isPresent()) {
            writeBytes(out, r.end().get());
        }
        out.writeInt(r.limit());
        out.writeBoolean(r.isReverse());
    }

    private static ScanRange readRange(DataInputStream in) throws IOException {
        Bytes start = readBytes(in);
        ScanRange r = in.readBoolean() ? ScanRange.between(start, readBytes(in)) : ScanRange.from(start);
        r = r.withLimit(in.readInt());
        return in.readBoolean() ? r.reversed() : r;
    }

    private static void writeBytes(DataOutputStream out, Bytes b) throws IOException {
        out.writeInt(b.length());
        out.write(b.unsafeArray(), 0, b.length());
    }

    private static Bytes readBytes(DataInputStream in) throws IOException {
        int n = count(in);
        byte[] data = new byte[n];
        in.readFully(data);
        return Bytes.wrap(data);
    }

    private static int count(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > in.available()) {
            throw new KvException(ErrorCode.CORRUPTION, "bad length " + n + " in command");
        }
        return n;
    }
}
