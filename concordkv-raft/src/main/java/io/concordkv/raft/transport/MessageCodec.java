package io.concordkv.raft.transport;

import io.concordkv.api.KvException;
import io.concordkv.raft.core.ConfState;
import io.concordkv.raft.core.Entry;
import io.concordkv.raft.core.Message;
import io.concordkv.raft.core.MessageType;
import io.concordkv.raft.core.Snapshot;
import io.concordkv.raft.core.SnapshotMeta;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Encodes a Raft {@link Message} in the compact binary format written down in this package's
 * documentation, and decodes it back. Decoding checks every field (the format version, type and
 * entry-type codes, flags, every count and length against the bytes left, member ids, the end of
 * the input) and fails with a {@link KvException} of code {@code CORRUPTION} on malformed input;
 * it allocates no more than the input's own size, whatever lengths the input claims.
 *
 * <p>Stateless and thread-safe.
 */
public final class MessageCodec {
    /** The format version, the first byte of every encoded message. */
    public static final int FORMAT_VERSION = 1;

    static final int FLAG_REJECT = 1;
    static final int FLAG_SNAPSHOT = 2;
    private static final int KNOWN_FLAGS = FLAG_REJECT | FLAG_SNAPSHOT;
    /** Bytes an entry takes at least: term, index, type, data length. */
    private static final int MIN_ENTRY_BYTES = 4;

    /**
     * The wire code of each message type is its position here: fixed by the format, independent of
     * the enum's order. Append new types; never reorder or remove.
     */
    private static final List<MessageType> TYPE_CODES = List.of(
        MessageType.HUP, MessageType.BEAT, MessageType.PROP, MessageType.APP, MessageType.APP_RESP,
        MessageType.VOTE, MessageType.VOTE_RESP, MessageType.PRE_VOTE, MessageType.PRE_VOTE_RESP,
        MessageType.SNAP, MessageType.HEARTBEAT, MessageType.HEARTBEAT_RESP, MessageType.UNREACHABLE,
        MessageType.SNAP_STATUS, MessageType.TRANSFER_LEADER, MessageType.TIMEOUT_NOW,
        MessageType.READ_INDEX, MessageType.READ_INDEX_RESP, MessageType.REMOVED);
    /** The wire code of each entry type, likewise. */
    private static final List<Entry.Type> ENTRY_TYPE_CODES = List.of(Entry.Type.NORMAL, Entry.Type.CONF_CHANGE);

    private MessageCodec() {
    }

    /** The wire code of a message type (a test checks that every type has one). */
    static int typeCode(MessageType type) {
        int code = TYPE_CODES.indexOf(type);
        if (code < 0) {
            throw new IllegalArgumentException("message type " + type + " has no wire code");
        }
        return code;
    }

    /**
     * The exact number of bytes {@code m} encodes to.
     *
     * @throws IllegalArgumentException when the encoding would be 2 GiB or more
     */
    public static int encodedSize(Message m) {
        long size = 3 + Varint.size(m.from()) + Varint.size(m.to()) + Varint.size(m.term())
            + Varint.size(m.logTerm()) + Varint.size(m.index()) + Varint.size(m.commit())
            + Varint.size(m.rejectHint()) + bytesSize(context(m)) + Varint.size(m.entries().size());
        for (Entry e : m.entries()) {
            size += Varint.size(e.term()) + Varint.size(e.index()) + 1 + bytesSize(data(e));
        }
        Snapshot s = snapshot(m);
        if (hasSnapshot(s)) {
            SnapshotMeta meta = s.meta();
            size += Varint.size(meta.index()) + Varint.size(meta.term()) + idsSize(meta.conf().voters())
                + idsSize(meta.conf().learners()) + bytesSize(s.data());
        }
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("message too large to encode: " + size + " bytes");
        }
        return (int) size;
    }

    /** {@code m} encoded, in a new array of {@link #encodedSize} bytes. */
    public static byte[] encode(Message m) {
        ByteBuffer out = ByteBuffer.allocate(encodedSize(m));
        encode(m, out);
        return out.array();
    }

    /**
     * Writes {@code m} at {@code dst}'s position, advancing it by {@link #encodedSize} bytes.
     *
     * @throws java.nio.BufferOverflowException when fewer bytes than that remain
     */
    public static void encode(Message m, ByteBuffer dst) {
        Snapshot s = snapshot(m);
        int flags = (m.reject() ? FLAG_REJECT : 0) | (hasSnapshot(s) ? FLAG_SNAPSHOT : 0);
        dst.put((byte) FORMAT_VERSION).put((byte) typeCode(m.type())).put((byte) flags);
        Varint.write(dst, m.from());
        Varint.write(dst, m.to());
        Varint.write(dst, m.term());
        Varint.write(dst, m.logTerm());
        Varint.write(dst, m.index());
        Varint.write(dst, m.commit());
        Varint.write(dst, m.rejectHint());
        writeBytes(dst, context(m));
        Varint.write(dst, m.entries().size());
        for (Entry e : m.entries()) {
            Varint.write(dst, e.term());
            Varint.write(dst, e.index());
            dst.put((byte) ENTRY_TYPE_CODES.indexOf(Objects.requireNonNull(e.type(), "entry type")));
            writeBytes(dst, data(e));
        }
        if (hasSnapshot(s)) {
            Varint.write(dst, s.meta().index());
            Varint.write(dst, s.meta().term());
            writeIds(dst, s.meta().conf().voters());
            writeIds(dst, s.meta().conf().learners());
            writeBytes(dst, s.data());
        }
    }

    /** Decodes a whole array. */
    public static Message decode(byte[] bytes) {
        return decode(ByteBuffer.wrap(bytes));
    }

    /**
     * Decodes the bytes from {@code src}'s position to its limit, which must hold exactly one message;
     * the position ends at the limit on success.
     *
     * @throws KvException with code {@code CORRUPTION} when the input is not a valid message
     */
    public static Message decode(ByteBuffer src) {
        WireReader in = new WireReader(src);
        int version = in.u8("format version");
        if (version != FORMAT_VERSION) {
            throw WireReader.malformed("format version " + version + ", expected " + FORMAT_VERSION);
        }
        int typeCode = in.u8("type");
        if (typeCode >= TYPE_CODES.size()) {
            throw WireReader.malformed("unknown message type code " + typeCode);
        }
        int flags = in.u8("flags");
        if ((flags & ~KNOWN_FLAGS) != 0) {
            throw WireReader.malformed("unknown flags " + Integer.toBinaryString(flags));
        }
        long from = in.varint("from");
        long to = in.varint("to");
        long term = in.varint("term");
        long logTerm = in.varint("logTerm");
        long index = in.varint("index");
        long commit = in.varint("commit");
        long rejectHint = in.varint("rejectHint");
        byte[] context = in.bytes("context");
        List<Entry> entries = readEntries(in);
        Snapshot snapshot = (flags & FLAG_SNAPSHOT) != 0 ? readSnapshot(in) : Snapshot.EMPTY;
        in.expectEnd();
        return new Message(TYPE_CODES.get(typeCode), from, to, term, logTerm, index, entries, commit,
            (flags & FLAG_REJECT) != 0, rejectHint, snapshot, context);
    }

    private static List<Entry> readEntries(WireReader in) {
        int n = in.count("entry count", MIN_ENTRY_BYTES);
        List<Entry> entries = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            long term = in.varint("entry term");
            long index = in.varint("entry index");
            int type = in.u8("entry type");
            if (type >= ENTRY_TYPE_CODES.size()) {
                throw WireReader.malformed("unknown entry type code " + type + " in entry " + i);
            }
            byte[] data = in.bytes("entry data");
            if (term < 0 || index < 1) {
                throw WireReader.malformed("entry " + i + " has term " + Long.toUnsignedString(term)
                    + " and index " + Long.toUnsignedString(index));
            }
            entries.add(new Entry(term, index, ENTRY_TYPE_CODES.get(type), data));
        }
        return entries;
    }

    private static Snapshot readSnapshot(WireReader in) {
        long index = in.varint("snapshot index");
        long term = in.varint("snapshot term");
        Set<Long> voters = readIds(in, "voter");
        Set<Long> learners = readIds(in, "learner");
        for (Long v : voters) {
            if (learners.contains(v)) {
                throw WireReader.malformed("member " + v + " is both voter and learner");
            }
        }
        byte[] data = in.bytes("snapshot data");
        return new Snapshot(new SnapshotMeta(index, term, new ConfState(voters, learners)), data);
    }

    /** Member ids: positive and strictly ascending, so that every set has one encoding. */
    private static Set<Long> readIds(WireReader in, String what) {
        int n = in.count(what + " count", 1);
        Set<Long> ids = new TreeSet<>();
        long previous = 0;
        for (int i = 0; i < n; i++) {
            long id = in.varint(what + " id");
            if (id <= previous) {
                throw WireReader.malformed(what + " ids must be positive and ascending: "
                    + Long.toUnsignedString(id) + " after " + previous);
            }
            ids.add(id);
            previous = id;
        }
        return ids;
    }

    /** Whether the snapshot differs from {@link Snapshot#EMPTY} in any field (then it is written). */
    private static boolean hasSnapshot(Snapshot s) {
        SnapshotMeta meta = s.meta();
        return meta.index() != 0 || meta.term() != 0 || !meta.conf().voters().isEmpty()
            || !meta.conf().learners().isEmpty() || s.data().length != 0;
    }

    private static Snapshot snapshot(Message m) {
        return Objects.requireNonNull(m.snapshot(), "message snapshot (use Snapshot.EMPTY)");
    }

    private static byte[] context(Message m) {
        return Objects.requireNonNull(m.context(), "message context (use an empty array)");
    }

    private static byte[] data(Entry e) {
        return Objects.requireNonNull(e.data(), "entry data");
    }

    private static long bytesSize(byte[] b) {
        return Varint.size(b.length) + (long) b.length;
    }

    private static long idsSize(Set<Long> ids) {
        long size = Varint.size(ids.size());
        for (long id : ids) {
            if (id <= 0) {
                throw new IllegalArgumentException("member ids are positive: " + id);
            }
            size += Varint.size(id);
        }
        return size;
    }

    private static void writeBytes(ByteBuffer dst, byte[] b) {
        Varint.write(dst, b.length);
        dst.put(b);
    }

    private static void writeIds(ByteBuffer dst, Set<Long> ids) {
        Varint.write(dst, ids.size());
        long[] sorted = ids.stream().mapToLong(Long::longValue).sorted().toArray();
        for (long id : sorted) {
            if (id <= 0) {
                throw new IllegalArgumentException("member ids are positive: " + id);
            }
            Varint.write(dst, id);
        }
    }
}
