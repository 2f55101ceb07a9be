package io.concordkv.raft.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.concordkv.raft.core.Message;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;

/**
 * A hand-driven peer connection on a plain socket that writes frames byte by byte as the package
 * documentation lays them out, well-formed or not, and checks whether the transport closed it.
 */
final class RawPeer implements AutoCloseable {
    private final Socket socket;
    private final DataOutputStream out;

    RawPeer(InetSocketAddress address) {
        try {
            socket = new Socket(address.getAddress(), address.getPort());
            out = new DataOutputStream(socket.getOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RawPeer hello(int magic, int version, long cluster, long sender, long receiver) {
        byte[] body = ByteBuffer.allocate(Frames.HELLO_BODY).putInt(magic).putShort((short) version)
            .putLong(cluster).putLong(sender).putLong(receiver).array();
        return frame(Frames.HELLO, body);
    }

    /** The handshake a well-behaved peer {@code sender} sends to {@code receiver} of the test cluster. */
    RawPeer hello(long sender, long receiver) {
        return hello(Frames.MAGIC, Frames.PROTOCOL_VERSION, TestNode.CLUSTER, sender, receiver);
    }

    RawPeer message(Message m) {
        return frame(Frames.MESSAGE, MessageCodec.encode(m));
    }

    RawPeer snapshotBegin(long stream, long imageBytes, Message header) {
        byte[] encoded = MessageCodec.encode(header);
        return frame(Frames.SNAP_BEGIN, ByteBuffer.allocate(16 + encoded.length).putLong(stream).putLong(imageBytes)
            .put(encoded).array());
    }

    RawPeer snapshotChunk(long stream, int seq, byte[] data) {
        return frame(Frames.SNAP_CHUNK, ByteBuffer.allocate(12 + data.length).putLong(stream).putInt(seq).put(data)
            .array());
    }

    RawPeer frame(int kind, byte[] body) {
        try {
            out.writeInt(1 + body.length);
            out.writeByte(kind);
            out.write(body);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RawPeer raw(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits (at most 5 s, blocked in a read) for the transport to close this connection. */
    void assertClosedByTransport() {
        try {
            socket.setSoTimeout(5000);
            InputStream in = socket.getInputStream();
            assertThat(in.read()).as("the transport sends nothing on an inbound connection").isEqualTo(-1);
        } catch (SocketTimeoutException e) {
            fail("the transport did not close the connection within 5 s");
        } catch (SocketException e) {
            // reset by the transport: closed too
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
