package io.concordkv.server.grpc;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.etcd.jetcd.api.KVGrpc;
import io.etcd.jetcd.api.PutRequest;
import io.etcd.jetcd.api.PutResponse;
import io.etcd.jetcd.api.ResponseHeader;
import io.grpc.stub.StreamObserver;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The lean transport's bytes on the wire, read by a raw HTTP/2 client: the usual response header
 * blocks use the client's HPACK dynamic table (and stop using it when the client shrinks it), and a
 * unary answer completed on another thread goes out whole, or split as the client's window allows.
 */
@Timeout(60)
class LeanWireTest {
    private static final int DATA = 0;
    private static final int HEADERS = 1;
    private static final int SETTINGS = 4;
    private static final int WINDOW_UPDATE = 8;
    private static final int END_STREAM = 1;
    private static final int END_HEADERS = 4;

    private final ExecutorService answerer = Executors.newSingleThreadExecutor();
    private LeanGrpcServer server;

    /**
     * Put answers with revision = value length from another thread, while the handler holds the
     * event loop until both halves of the answer (message, close) are asked for: the transport then
     * finds the whole answer queued, as it does when a commit completes on the log's syncer.
     */
    private final class Kv extends KVGrpc.KVImplBase {
        @Override
        public void put(PutRequest request, StreamObserver<PutResponse> out) {
            CountDownLatch asked = new CountDownLatch(1);
            answerer.execute(() -> {
                out.onNext(PutResponse.newBuilder().setHeader(ResponseHeader.newBuilder()
                    .setRevision(request.getValue().size())).build());
                out.onCompleted();
                asked.countDown();
            });
            try {
                assertThat(asked.await(10, TimeUnit.SECONDS)).isTrue();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (server != null) {
            server.close(Duration.ofMillis(100));
        }
        answerer.shutdownNow();
    }

    private int start() throws Exception {
        return start(new Kv().bindService());
    }

    private int start(io.grpc.ServerServiceDefinition kv) throws Exception {
        server = LeanGrpcServer.start(new InetSocketAddress("127.0.0.1", 0), List.of(kv), List.of(), 1 << 20, 1);
        return server.port();
    }

    /** Headers a handler sends before answering from another thread go out with the answer, ahead of its message. */
    @Test
    void headersAHandlerSendsGoOutBeforeItsAnswer() throws Exception {
        io.grpc.Metadata.Key<String> servedBy = io.grpc.Metadata.Key.of("x-served-by",
            io.grpc.Metadata.ASCII_STRING_MARSHALLER);
        io.grpc.ServerInterceptor addHeader = new io.grpc.ServerInterceptor() {
            @Override
            public <Q, R> io.grpc.ServerCall.Listener<Q> interceptCall(io.grpc.ServerCall<Q, R> call,
                                                                       io.grpc.Metadata headers,
                                                                       io.grpc.ServerCallHandler<Q, R> next) {
                return next.startCall(new io.grpc.ForwardingServerCall.SimpleForwardingServerCall<>(call) {
                    @Override
                    public void sendHeaders(io.grpc.Metadata responseHeaders) {
                        responseHeaders.put(servedBy, "lean");
                        super.sendHeaders(responseHeaders);
                    }
                }, headers);
            }
        };
        try (RawClient client = new RawClient(start(io.grpc.ServerInterceptors.intercept(new Kv(), addHeader)),
            Map.of())) {
            client.put(1, "abcd");
            client.put(3, "abcde");
            List<Answer> answers = client.readAnswers(2, new DefaultHttp2HeadersDecoder(true), null);
            for (Answer a : answers) {
                assertThat(a.headers().get("x-served-by").toString()).isEqualTo("lean");
                assertThat(a.headers().get("content-type").toString()).isEqualTo("application/grpc");
                assertThat(a.trailers().get("grpc-status").toString()).isEqualTo("0");
            }
            assertThat(answers).extracting(Answer::revision).containsExactly(4L, 5L);
        }
    }

    @Test
    void theUsualResponseBlocksNameTheirFieldsByIndexAfterTheFirstAnswer() throws Exception {
        try (RawClient client = new RawClient(start(), Map.of())) {
            for (int i = 0; i < 3; i++) {
                client.put(1 + 2 * i, "v".repeat(i + 1));
            }
            List<Answer> answers = client.readAnswers(3, new DefaultHttp2HeadersDecoder(true), null);
            for (int i = 0; i < 3; i++) {
                Answer a = answers.get(i);
                assertThat(a.revision()).isEqualTo(i + 1);
                assertThat(a.headers().status().toString()).isEqualTo("200");
                assertThat(a.headers().get("content-type").toString()).isEqualTo("application/grpc");
                assertThat(a.trailers().get("grpc-status").toString()).isEqualTo("0");
            }
            // the first answer adds both fields to the table; later ones name them in one byte each
            assertThat(answers.get(0).headerBlockBytes()).isGreaterThan(10);
            assertThat(answers.get(0).trailerBlockBytes()).isGreaterThan(10);
            assertThat(answers.get(2).headerBlockBytes()).isEqualTo(2);
            assertThat(answers.get(2).trailerBlockBytes()).isEqualTo(1);
        }
    }

    /** A client that shrinks its table must see a size update first, then no indexed field (its decoder enforces both). */
    @Test
    void aClientThatShrinksItsTableGetsASizeUpdateAndLiteralsOnly() throws Exception {
        try (RawClient client = new RawClient(start(), Map.of(1, 0))) { // SETTINGS_HEADER_TABLE_SIZE = 0
            client.put(1, "ab");
            client.put(3, "abc");
            DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true);
            decoder.configuration().maxHeaderTableSize(0);
            List<Answer> answers = client.readAnswers(2, decoder, null);
            assertThat(answers).extracting(Answer::revision).containsExactly(2L, 3L);
            assertThat(answers.get(1).headers().get("content-type").toString()).isEqualTo("application/grpc");
            assertThat(answers.get(1).trailers().get("grpc-status").toString()).isEqualTo("0");
        }
    }

    /** An answer larger than the stream's window is sent as far as the window allows and finished after WINDOW_UPDATE. */
    @Test
    void anAnswerLargerThanTheWindowWaitsForItAndArrivesWhole() throws Exception {
        try (RawClient client = new RawClient(start(), Map.of(4, 4))) { // SETTINGS_INITIAL_WINDOW_SIZE = 4
            client.put(1, "x".repeat(300));
            List<Answer> answers = client.readAnswers(1, new DefaultHttp2HeadersDecoder(true), client::openWindow);
            assertThat(answers.get(0).revision()).isEqualTo(300);
            assertThat(answers.get(0).dataFrames()).isGreaterThan(1);
            assertThat(answers.get(0).trailers().get("grpc-status").toString()).isEqualTo("0");
        }
    }

    /** One stream's answer as read: its decoded blocks, their sizes, and the revision in its message. */
    private record Answer(Http2Headers headers, int headerBlockBytes, Http2Headers trailers, int trailerBlockBytes,
                          long revision, int dataFrames) {
    }

    private static final class RawClient implements AutoCloseable {
        private final Socket socket;
        private final DataInputStream in;
        private final OutputStream out;

        RawClient(int port, Map<Integer, Integer> settings) throws IOException {
            socket = new Socket("127.0.0.1", port);
            socket.setSoTimeout(10_000);
            in = new DataInputStream(socket.getInputStream());
            out = socket.getOutputStream();
            out.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream s = new ByteArrayOutputStream();
            for (Map.Entry<Integer, Integer> e : settings.entrySet()) {
                s.write(e.getKey() >> 8);
                s.write(e.getKey());
                s.write(java.nio.ByteBuffer.allocate(4).putInt(e.getValue()).array());
            }
            frame(SETTINGS, 0, 0, s.toByteArray());
        }

        void put(int stream, String value) throws Exception {
            Http2Headers h = new DefaultHttp2Headers().method("POST").scheme("http").authority("localhost")
                .path("/etcdserverpb.KV/Put").add("content-type", "application/grpc").add("te", "trailers");
            ByteBuf block = Unpooled.buffer();
            new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE).encodeHeaders(stream, h, block);
            frame(HEADERS, END_HEADERS, stream, ByteBufUtil.getBytes(block));
            block.release();
            byte[] message = PutRequest.newBuilder().setKey(ByteString.copyFromUtf8("k"))
                .setValue(ByteString.copyFromUtf8(value)).build().toByteArray();
            ByteArrayOutputStream d = new ByteArrayOutputStream();
            d.write(0);
            d.write(java.nio.ByteBuffer.allocate(4).putInt(message.length).array());
            d.write(message);
            frame(DATA, END_STREAM, stream, d.toByteArray());
        }

        /** Gives the stream room for 64 KiB more. */
        void openWindow(int stream) {
            try {
                frame(WINDOW_UPDATE, 0, stream, java.nio.ByteBuffer.allocate(4).putInt(1 << 16).array());
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        void frame(int type, int flags, int stream, byte[] payload) throws IOException {
            byte[] header = {(byte) (payload.length >> 16), (byte) (payload.length >> 8), (byte) payload.length,
                (byte) type, (byte) flags, 0, 0, 0, 0};
            java.nio.ByteBuffer.wrap(header, 5, 4).putInt(stream);
            out.write(header);
            out.write(payload);
            out.flush();
        }

        /**
         * Reads frames until {@code count} streams have ended, decoding every header block in
         * order with one decoder; {@code onData} (if any) hears of each DATA frame's stream.
         */
        List<Answer> readAnswers(int count, DefaultHttp2HeadersDecoder decoder,
                                 java.util.function.IntConsumer onData) throws Exception {
            Map<Integer, List<Object>> parts = new HashMap<>();
            Map<Integer, ByteArrayOutputStream> data = new HashMap<>();
            List<Integer> ended = new ArrayList<>();
            while (ended.size() < count) {
                byte[] header = new byte[9];
                in.readFully(header);
                int length = (header[0] & 0xff) << 16 | (header[1] & 0xff) << 8 | header[2] & 0xff;
                int type = header[3];
                int flags = header[4];
                int stream = java.nio.ByteBuffer.wrap(header, 5, 4).getInt();
                byte[] payload = new byte[length];
                in.readFully(payload);
                if (type == HEADERS) {
                    ByteBuf block = Unpooled.wrappedBuffer(payload);
                    Http2Headers decoded = decoder.decodeHeaders(stream, block);
                    parts.computeIfAbsent(stream, s -> new ArrayList<>()).addAll(List.of(decoded, length));
                    if ((flags & END_STREAM) != 0) {
                        ended.add(stream);
                    }
                } else if (type == DATA) {
                    data.computeIfAbsent(stream, s -> new ByteArrayOutputStream()).write(payload);
                    parts.computeIfAbsent(stream, s -> new ArrayList<>()).add("data");
                    if (onData != null) {
                        onData.accept(stream);
                    }
                }
            }
            List<Answer> answers = new ArrayList<>();
            for (int stream : ended.stream().sorted().toList()) {
                List<Object> p = parts.get(stream);
                byte[] d = data.get(stream).toByteArray();
                long revision = PutResponse.parseFrom(java.util.Arrays.copyOfRange(d, 5, d.length)).getHeader()
                    .getRevision();
                int frames = (int) p.stream().filter("data"::equals).count();
                List<Object> blocks = p.stream().filter(o -> !"data".equals(o)).toList();
                answers.add(new Answer((Http2Headers) blocks.get(0), (Integer) blocks.get(1),
                    (Http2Headers) blocks.get(2), (Integer) blocks.get(3), revision, frames));
            }
            return answers;
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
