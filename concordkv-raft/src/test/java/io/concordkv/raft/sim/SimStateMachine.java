package io.concordkv.raft.sim;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The simulated members' state machine: a string map with PUT, DELETE and CAS commands, each
 * tagged with (client, sequence) so that a command delivered twice by the simulated network is
 * applied once.
 */
final class SimStateMachine {
    /** A command: kind 0 put, 1 delete, 2 cas. */
    record Command(int client, long seq, int kind, String key, String expected, String value) {
        byte[] encode() {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(bytes)) {
                out.writeInt(client);
                out.writeLong(seq);
                out.writeByte(kind);
                out.writeUTF(key);
                out.writeUTF(expected == null ? "\u0000" : expected);
                out.writeUTF(value == null ? "" : value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        static Command decode(byte[] data) {
            try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(data))) {
                int client = in.readInt();
                long seq = in.readLong();
                int kind = in.readByte();
                String key = in.readUTF();
                String expected = in.readUTF();
                String value = in.readUTF();
                return new Command(client, seq, kind, key, "\u0000".equals(expected) ? null : expected, value);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private final TreeMap<String, String> data = new TreeMap<>();
    private final Map<Integer, Long> lastSeq = new HashMap<>();

    /** Applies a command; returns whether it took effect (false: duplicate, or a CAS that failed). */
    boolean apply(Command c) {
        if (lastSeq.getOrDefault(c.client(), -1L) >= c.seq()) {
            return false;
        }
        lastSeq.put(c.client(), c.seq());
        switch (c.kind()) {
            case 0 -> data.put(c.key(), c.value());
            case 1 -> data.remove(c.key());
            default -> {
                if (!java.util.Objects.equals(data.get(c.key()), c.expected())) {
                    return false;
                }
                data.put(c.key(), c.value());
            }
        }
        return true;
    }

    Optional<String> get(String key) {
        return Optional.ofNullable(data.get(key));
    }

    byte[] snapshot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(data.size());
            for (Map.Entry<String, String> e : data.entrySet()) {
                out.writeUTF(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(lastSeq.size());
            for (Map.Entry<Integer, Long> e : new TreeMap<>(lastSeq).entrySet()) {
                out.writeInt(e.getKey());
                out.writeLong(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    void restore(byte[] image) {
        data.clear();
        lastSeq.clear();
        if (image.length == 0) {
            return;
        }
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(image))) {
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                data.put(in.readUTF(), in.readUTF());
            }
            int c = in.readInt();
            for (int i = 0; i < c; i++) {
                lastSeq.put(in.readInt(), in.readLong());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int digest() {
        return data.hashCode();
    }
}
