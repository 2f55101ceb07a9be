package io.concordkv.raft.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * A cluster member: its id, name, peer address and client URLs (a comma-separated list, possibly
 * empty), and whether it is a learner.
 */
public record Member(long id, String name, InetSocketAddress peer, String clientUrls, boolean learner) {
    /** A member id derived from {@code key} (the server uses the peer address): stable, positive, the same everywhere. */
    public static long idOf(String name) {
        CRC32C a = new CRC32C();
        byte[] bytes = ("member:" + name).getBytes(StandardCharsets.UTF_8);
        a.update(bytes);
        long hi = a.getValue();
        long lo = java.util.UUID.nameUUIDFromBytes(bytes).getLeastSignificantBits();
        return ((hi << 32) ^ lo) & Long.MAX_VALUE | 1;
    }

    public Member withLearner(boolean on) {
        return new Member(id, name, peer, clientUrls, on);
    }

    public Member withClientUrls(String urls) {
        return new Member(id, name, peer, urls, learner);
    }

    void write(DataOutputStream out) throws IOException {
        out.writeLong(id);
        out.writeUTF(name);
        out.writeUTF(peer.getHostString());
        out.writeInt(peer.getPort());
        out.writeUTF(clientUrls);
        out.writeBoolean(learner);
    }

    static Member read(DataInputStream in) throws IOException {
        long id = in.readLong();
        String name = in.readUTF();
        InetSocketAddress peer = InetSocketAddress.createUnresolved(in.readUTF(), in.readInt());
        return new Member(id, name, new InetSocketAddress(peer.getHostString(), peer.getPort()), in.readUTF(),
            in.readBoolean());
    }

    byte[] encode() {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            write(out);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static Member decode(byte[] data) {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            return read(in);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
