package io.concordkv.bench.kv;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.MessageLite;
import com.google.protobuf.Parser;
import io.grpc.Status;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * One HTTP/2 connection that makes unary gRPC calls: the load generator's lean client. Netty's
 * HTTP/2 frame reader and writer do the wire format (frames and HPACK); this class keeps the little
 * connection state a unary client needs — stream ids, both directions' flow-control windows,
 * the peer's SETTINGS (acknowledged), PING answers, GOAWAY — and the gRPC framing of messages
 * and trailers. It does none of what a general gRPC client adds per call (call objects with
 * executors and contexts, retry buffering, deadlines, interceptors), which on a 2-core machine
 * shared with the server measured about 35 µs of CPU per put with grpc-java.
 *
 * <p>The common case is written and read without general machinery: a request whose message fits
 * the flow-control windows and one frame goes out as one buffer, its HEADERS frame (a block
 * HPACK-encoded once per path, without the dynamic table) followed by its one DATA frame; a
 * response message that arrives whole in one DATA frame is parsed from it at once. Larger or
 * window-bound requests and responses in pieces take the general path. About 6 µs of CPU per put
 * against 10-12 µs before, measured with the server on the same 2 cores.
 *
 * <p>Everything runs on the connection's event loop. {@link #call} may be invoked from any thread;
 * a call made on the event loop while it handles incoming frames (the usual case: a client sends
 * its next request from the answer to its last) is flushed once, when the read completes.
 */
final class GrpcH2Connection extends ByteToMessageDecoder {
    /** How a call ends: its gRPC status code (0 is OK), the status message, and the parsed response when OK. */
    interface Answer {
        void answered(int status, String description, Object response);
    }

    private static final int OK = Status.Code.OK.value();
    private static final int CANCELLED = Status.Code.CANCELLED.value();
    private static final int UNKNOWN = Status.Code.UNKNOWN.value();
    private static final int INTERNAL = Status.Code.INTERNAL.value();
    private static final int UNAVAILABLE = Status.Code.UNAVAILABLE.value();

    /** Our receive window, per stream and for the connection: responses never wait for a window update. */
    private static final int RECEIVE_WINDOW = 1 << 30;
    private static final AsciiString GRPC_STATUS = AsciiString.cached("grpc-status");
    private static final AsciiString GRPC_MESSAGE = AsciiString.cached("grpc-message");
    private static final int FRAME_HEADER = 9;
    private static final int TYPE_DATA = 0x0;
    private static final int TYPE_HEADERS = 0x1;
    private static final int FLAG_END_STREAM = 0x1;
    private static final int FLAG_END_HEADERS = 0x4;

    /** One call: its request frames still to send, and its response as it arrives. */
    private static final class Call {
        /**
         * Until the request is all sent (then released and null): from the reader index, the
         * HEADERS frame, the DATA frame's header and the gRPC frame, laid out to go out in one
         * write; once the headers went out alone, only the part of the gRPC frame still to send.
         */
        ByteBuf request;
        /** Where the gRPC frame starts in {@link #request}. */
        final int messageOffset;
        final Parser<?> parser;
        final Answer answer;
        int streamId;
        long sendWindow;
        boolean headersSent;
        boolean responseHeadersSeen;
        int httpFailure = -1;
        /** The response's bytes when they came in pieces; null when none came or they came whole. */
        ByteBuf response;
        /** The response message, parsed as soon as it came whole in one DATA frame (the usual case). */
        Object parsed;
        /** Why the response cannot be read, found when it arrived. */
        String responseFailure;

        Call(ByteBuf request, int messageOffset, Parser<?> parser, Answer answer) {
            this.request = request;
            this.messageOffset = messageOffset;
            this.parser = parser;
            this.answer = answer;
        }
    }

    private final String authority;
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(false);
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter();
    private final Map<String, byte[]> headerBlocks = new HashMap<>();
    /** Serialised requests and whole responses pass through it (event loop only). */
    private byte[] scratch = new byte[1024];
    private final IntObjectHashMap<Call> open = new IntObjectHashMap<>();
    /** Calls waiting for a stream (the peer's concurrency limit) or for send window, in order. */
    private final ArrayDeque<Call> waiting = new ArrayDeque<>();
    private final Listener listener = new Listener();
    private final CountDownLatch settled = new CountDownLatch(1);
    private ChannelHandlerContext ctx;
    private int nextStreamId = 1;
    private long connectionSendWindow = Http2CodecUtil.DEFAULT_WINDOW_SIZE;
    private long peerInitialWindow = Http2CodecUtil.DEFAULT_WINDOW_SIZE;
    private long peerMaxStreams = Long.MAX_VALUE;
    private int peerMaxFrame = Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE;
    private long receivedSinceUpdate;
    private boolean reading;
    private boolean flushPending;
    /** Why the connection cannot take calls any more; null while it can. */
    private String closed;

    private GrpcH2Connection(String host, int port) {
        this.authority = host + ":" + port;
    }

    /**
     * Opens a connection to {@code host:port} on {@code group} and waits for the server's first
     * SETTINGS, so that the first calls already respect its limits (a stream over its concurrency
     * limit would be refused).
     */
    static GrpcH2Connection connect(EventLoopGroup group, String host, int port) throws InterruptedException {
        GrpcH2Connection connection = new GrpcH2Connection(host, port);
        new Bootstrap().group(group).channel(NioSocketChannel.class).option(ChannelOption.TCP_NODELAY, true)
            .handler(connection).connect(host, port).sync();
        if (!connection.settled.await(10, TimeUnit.SECONDS)) {
            connection.close();
            throw new IllegalStateException(host + ":" + port + " sent no HTTP/2 SETTINGS within 10 s");
        }
        return connection;
    }

    /** Calls {@code path} (as {@code /package.Service/Method}) with {@code request}; {@code answer} runs on the event loop. */
    void call(String path, MessageLite request, Parser<?> parser, Answer answer) {
        if (ctx.executor().inEventLoop()) {
            start(path, request, parser, answer);
        } else {
            ctx.executor().execute(() -> start(path, request, parser, answer));
        }
    }

    void close() {
        if (ctx != null) {
            ctx.channel().close();
        }
    }

    private void start(String path, MessageLite request, Parser<?> parser, Answer answer) {
        if (closed != null) {
            // answered from a task, not on this stack: a client that sends its next request from
            // the answer would otherwise recurse once per request while the connection is down
            String why = closed;
            ctx.executor().execute(() -> answer.answered(UNAVAILABLE, why, null));
            return;
        }
        int size = request.getSerializedSize();
        try {
            request.writeTo(CodedOutputStream.newInstance(scratch(size), 0, size));
        } catch (IOException e) {
            answer.answered(INTERNAL, "cannot serialise the request: " + e, null);
            return;
        }
        byte[] block = headerBlock(path);
        int messageOffset = 2 * FRAME_HEADER + block.length;
        ByteBuf frames = ctx.alloc().directBuffer(messageOffset + 5 + size);
        frameHeader(frames, block.length, TYPE_HEADERS, FLAG_END_HEADERS).writeBytes(block);
        frameHeader(frames, 5 + size, TYPE_DATA, FLAG_END_STREAM).writeByte(0).writeInt(size).writeBytes(scratch, 0, size);
        Call call = new Call(frames, messageOffset, parser, answer);
        if (waiting.isEmpty()) {
            send(call);
        } else {
            waiting.add(call);
        }
        flush();
    }

    /** Sends as much of the call as the peer's limits allow; queues it (at the back) if some must wait. */
    private void send(Call call) {
        if (!call.headersSent) {
            if (open.size() >= peerMaxStreams) {
                waiting.add(call);
                return;
            }
            if (nextStreamId < 0) {
                closed = "this connection has used all its stream ids";
                finishUnsent(call, UNAVAILABLE, closed);
                return;
            }
            call.streamId = nextStreamId;
            nextStreamId += 2;
            call.sendWindow = peerInitialWindow;
            call.headersSent = true;
            open.put(call.streamId, call);
            ByteBuf frames = call.request;
            int messageBytes = frames.writerIndex() - call.messageOffset;
            frames.setInt(5, call.streamId);
            if (messageBytes <= Math.min(Math.min(connectionSendWindow, call.sendWindow), peerMaxFrame)) {
                // the usual case: HEADERS and the one DATA frame in one write
                frames.setInt(call.messageOffset - FRAME_HEADER + 5, call.streamId);
                connectionSendWindow -= messageBytes;
                call.sendWindow -= messageBytes;
                call.request = null;
                ctx.write(frames, ctx.voidPromise());
                return;
            }
            ctx.write(frames.retainedSlice(0, call.messageOffset - FRAME_HEADER), ctx.voidPromise());
            frames.readerIndex(call.messageOffset);
        }
        while (call.request != null) {
            long allowed = Math.min(Math.min(connectionSendWindow, call.sendWindow), peerMaxFrame);
            if (allowed <= 0) {
                waiting.add(call);
                return;
            }
            int n = (int) Math.min(allowed, call.request.readableBytes());
            boolean last = n == call.request.readableBytes();
            connectionSendWindow -= n;
            call.sendWindow -= n;
            writer.writeData(ctx, call.streamId, call.request.readRetainedSlice(n), 0, last, ctx.voidPromise());
            if (last) {
                releaseRequest(call);
            }
        }
    }

    /** Sends waiting calls in order while the windows and the stream limit allow. */
    private void resume() {
        int n = waiting.size();
        for (int i = 0; i < n; i++) {
            Call call = waiting.poll();
            if (call.headersSent && !open.containsKey(call.streamId)) {
                continue; // answered (e.g. rejected by the server) before it was all sent
            }
            send(call);
        }
        flush();
    }

    /**
     * The request HEADERS block for {@code path}, HPACK-encoded once: every field is a
     * never-indexed literal, which leaves both sides' dynamic tables alone, so the same bytes are
     * valid for every call on the connection.
     */
    private byte[] headerBlock(String path) {
        byte[] block = headerBlocks.get(path);
        if (block == null) {
            Http2Headers headers = new DefaultHttp2Headers().method("POST").scheme("http").path(path)
                .authority(authority).add("content-type", "application/grpc").add("te", "trailers")
                .add("user-agent", "concordkv-bench");
            ByteBuf out = Unpooled.buffer();
            try {
                new DefaultHttp2HeadersEncoder((name, value) -> true).encodeHeaders(0, headers, out);
                block = ByteBufUtil.getBytes(out);
            } catch (Http2Exception e) {
                throw new IllegalStateException("cannot encode the headers of " + path, e);
            } finally {
                out.release();
            }
            headerBlocks.put(path, block);
        }
        return block;
    }

    private static ByteBuf frameHeader(ByteBuf out, int length, int type, int flags) {
        return out.writeMedium(length).writeByte(type).writeByte(flags).writeInt(0); // stream id set when sent
    }

    private byte[] scratch(int size) {
        if (scratch.length < size) {
            scratch = new byte[Math.max(size, 2 * scratch.length)];
        }
        return scratch;
    }

    private void flush() {
        if (reading) {
            flushPending = true;
        } else {
            ctx.flush();
        }
    }

    private void finish(int streamId, int status, String description) {
        Call call = open.remove(streamId);
        if (call == null) {
            return;
        }
        ByteBuf response = call.response;
        call.response = null;
        releaseRequest(call);
        Object parsed = null;
        if (status == OK && call.responseFailure != null) {
            status = INTERNAL;
            description = call.responseFailure;
        } else if (status == OK && call.parsed != null) {
            parsed = call.parsed;
        } else if (status == OK) {
            try {
                parsed = GrpcMessages.parse(call.parser, response);
            } catch (InvalidProtocolBufferException e) {
                status = INTERNAL;
                description = e.getMessage();
            }
        }
        if (response != null) {
            response.release();
        }
        call.answer.answered(status, description, parsed);
        if (!waiting.isEmpty()) {
            resume(); // a stream is free
        }
    }

    private void finishUnsent(Call call, int status, String description) {
        releaseRequest(call);
        call.answer.answered(status, description, null);
    }

    private static void releaseRequest(Call call) {
        if (call.request != null) {
            call.request.release();
            call.request = null;
        }
    }

    private void failAll(String why) {
        closed = why;
        List<Call> calls = new ArrayList<>(open.values());
        open.clear();
        calls.addAll(waiting);
        waiting.clear();
        for (Call call : calls) {
            if (call.response != null) {
                call.response.release();
                call.response = null;
            }
            finishUnsent(call, UNAVAILABLE, why);
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        ctx.write(Http2CodecUtil.connectionPrefaceBuf());
        writer.writeSettings(ctx, new Http2Settings().pushEnabled(false).initialWindowSize(RECEIVE_WINDOW),
            ctx.voidPromise());
        writer.writeWindowUpdate(ctx, 0, RECEIVE_WINDOW - Http2CodecUtil.DEFAULT_WINDOW_SIZE, ctx.voidPromise());
        ctx.flush();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        reading = true;
        try {
            super.channelRead(ctx, msg);
        } finally {
            reading = false;
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (flushPending) {
            flushPending = false;
            ctx.flush();
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Http2Exception {
        reader.readFrame(ctx, in, listener);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        failAll(closed != null ? closed : "the connection to " + authority + " closed");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        failAll("connection to " + authority + " failed: " + cause);
        ctx.close();
    }

    /** The frames the peer sends. */
    private final class Listener extends Http2FrameAdapter {
        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            int consumed = data.readableBytes() + padding;
            receivedSinceUpdate += consumed;
            if (receivedSinceUpdate >= RECEIVE_WINDOW / 2) {
                writer.writeWindowUpdate(ctx, 0, (int) receivedSinceUpdate, ctx.voidPromise());
                receivedSinceUpdate = 0;
                flush();
            }
            Call call = open.get(streamId);
            if (call != null) {
                int n = data.readableBytes();
                int at = data.readerIndex();
                if (n == 0) {
                    // nothing to read (an empty frame, perhaps only ending the stream)
                } else if (call.parsed != null) {
                    call.responseFailure = "expected one response message, got more";
                } else if (call.response == null && n >= 5 && data.getByte(at) == 0 && data.getInt(at + 1) == n - 5) {
                    // the usual case: the one message whole in this frame
                    data.getBytes(at + 5, scratch(n - 5), 0, n - 5);
                    try {
                        call.parsed = call.parser.parseFrom(scratch, 0, n - 5);
                    } catch (InvalidProtocolBufferException e) {
                        call.responseFailure = e.getMessage();
                    }
                } else {
                    if (call.response == null) {
                        call.response = Unpooled.buffer(n);
                    }
                    call.response.writeBytes(data);
                }
                if (endOfStream) {
                    finish(streamId, INTERNAL, "the server ended the stream without trailers");
                }
            }
            return consumed;
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endOfStream) {
            Call call = open.get(streamId);
            if (call == null) {
                return;
            }
            if (!call.responseHeadersSeen) {
                call.responseHeadersSeen = true;
                CharSequence status = headers.status();
                if (status == null || !AsciiString.contentEquals(status, "200")) {
                    call.httpFailure = status == null ? 0 : Integer.parseInt(status.toString());
                }
            }
            if (!endOfStream) {
                return;
            }
            if (call.httpFailure >= 0) {
                finish(streamId, call.httpFailure == 0 ? INTERNAL : UNKNOWN, "HTTP status " + call.httpFailure);
                return;
            }
            CharSequence status = headers.get(GRPC_STATUS);
            CharSequence message = headers.get(GRPC_MESSAGE);
            int code;
            try {
                code = status == null ? UNKNOWN : Integer.parseInt(status.toString());
            } catch (NumberFormatException e) {
                code = UNKNOWN;
            }
            finish(streamId, code, status == null ? "the trailers carry no grpc-status"
                : message == null ? null : GrpcMessages.percentDecode(message.toString()));
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endOfStream) {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            int status = errorCode == Http2Error.CANCEL.code() ? CANCELLED
                : errorCode == Http2Error.REFUSED_STREAM.code() ? UNAVAILABLE : INTERNAL;
            finish(streamId, status, "the server reset the stream (HTTP/2 error " + errorCode + ")");
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
            if (settings.maxConcurrentStreams() != null) {
                peerMaxStreams = settings.maxConcurrentStreams();
            }
            if (settings.maxFrameSize() != null) {
                peerMaxFrame = settings.maxFrameSize();
                writer.configuration().frameSizePolicy().maxFrameSize(peerMaxFrame);
            }
            if (settings.headerTableSize() != null) {
                writer.configuration().headersConfiguration().maxHeaderTableSize(settings.headerTableSize());
            }
            if (settings.initialWindowSize() != null) {
                long delta = settings.initialWindowSize() - peerInitialWindow;
                peerInitialWindow = settings.initialWindowSize();
                open.values().forEach(c -> c.sendWindow += delta);
            }
            writer.writeSettingsAck(ctx, ctx.voidPromise());
            settled.countDown();
            resume();
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
            writer.writePing(ctx, true, data, ctx.voidPromise());
            flush();
        }

        @Override
        public void onGoAwayRead(ChannelHandlerContext ctx, int lastStreamId, long errorCode, ByteBuf debugData) {
            closed = "the server closed the connection (GOAWAY " + errorCode + ": "
                + debugData.toString(StandardCharsets.UTF_8) + ")";
            for (int id : new ArrayList<>(open.keySet())) {
                if (id > lastStreamId) {
                    finish(id, UNAVAILABLE, closed);
                }
            }
            // calls not yet started never will be; started ones the server still answers keep sending
            List<Call> waited = new ArrayList<>(waiting);
            waiting.clear();
            for (Call call : waited) {
                if (!call.headersSent) {
                    finishUnsent(call, UNAVAILABLE, closed);
                } else if (open.containsKey(call.streamId)) {
                    waiting.add(call);
                }
            }
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int increment) {
            if (streamId == 0) {
                connectionSendWindow += increment;
            } else {
                Call call = open.get(streamId);
                if (call != null) {
                    call.sendWindow += increment;
                }
            }
            if (!waiting.isEmpty()) {
                resume();
            }
        }
    }
}
