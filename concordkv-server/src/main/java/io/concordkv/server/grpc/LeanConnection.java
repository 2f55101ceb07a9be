package io.concordkv.server.grpc;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http2.DefaultHttp2FrameReader;
import io.netty.handler.codec.http2.DefaultHttp2FrameWriter;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameAdapter;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.util.AsciiString;
import io.netty.util.collection.IntObjectHashMap;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server side of one client's HTTP/2 connection, carrying gRPC calls: Netty's frame reader
 * and writer do the wire format; this class keeps the connection's state (streams, both
 * directions' flow-control windows, the client's SETTINGS, PING answers, GOAWAY) and hands each
 * stream to a {@link LeanServerCall} running the method's grpc-java handler.
 *
 * <p>The usual header blocks (response headers, OK trailers) use the peer's HPACK dynamic table as
 * gRPC's servers do ({@link ResponseBlocks}); every other block the server sends is made of
 * never-indexed literals. A response message that fits the windows goes out as one DATA frame with
 * its header written into the bytes left for it, and a whole unary answer (headers, message,
 * trailers) as one buffer.
 *
 * <p>Everything runs on the connection's event loop; writes from other threads are handed to
 * it. Flushes are coalesced: one at the end of a read, one per batch of tasks otherwise.
 */
final class LeanConnection extends ByteToMessageDecoder {
    private static final Logger LOG = LoggerFactory.getLogger(LeanConnection.class);
    static final int FRAME_HEADER = 9;
    /** Our receive window, per stream and for the connection. */
    static final int RECEIVE_WINDOW = 1 << 20;
    private static final int TYPE_HEADERS = 0x1;
    private static final int FLAG_END_STREAM = 0x1;
    private static final int FLAG_END_HEADERS = 0x4;
    private static final AsciiString POST = AsciiString.cached("POST");

    private final LeanGrpcServer server;
    private final DefaultHttp2FrameReader reader = new DefaultHttp2FrameReader(true);
    private final DefaultHttp2FrameWriter writer = new DefaultHttp2FrameWriter(
        new DefaultHttp2HeadersEncoder((name, value) -> true));
    private final IntObjectHashMap<LeanServerCall<?, ?>> streams = new IntObjectHashMap<>();
    private final FrameListener frames = new FrameListener();
    private final Runnable flushTask = this::flushNow;
    private final ResponseBlocks blocks = new ResponseBlocks();
    private ChannelHandlerContext ctx;
    private Attributes attributes = Attributes.EMPTY;
    private boolean prefaceSeen;
    private long connectionSendWindow = Http2CodecUtil.DEFAULT_WINDOW_SIZE;
    private long peerInitialWindow = Http2CodecUtil.DEFAULT_WINDOW_SIZE;
    private int peerMaxFrame = Http2CodecUtil.DEFAULT_MAX_FRAME_SIZE;
    private int receivedSinceUpdate;
    private int lastStreamId;
    private boolean reading;
    private boolean flushPending;
    private boolean flushScheduled;
    private boolean goingAway;

    LeanConnection(LeanGrpcServer server) {
        this.server = server;
    }

    // ---- for LeanServerCall and LeanGrpcServer ----

    void onLoop(Runnable task) {
        if (ctx.executor().inEventLoop()) {
            task.run();
        } else {
            ctx.executor().execute(task);
        }
    }

    boolean inEventLoop() {
        return ctx.executor().inEventLoop();
    }

    void execute(Runnable task) {
        ctx.executor().execute(task);
    }

    ScheduledFuture<?> schedule(Runnable task, long nanos) {
        return ctx.executor().schedule(task, nanos, TimeUnit.NANOSECONDS);
    }

    ByteBufAllocator alloc() {
        return ctx.alloc();
    }

    Attributes attributes() {
        return attributes;
    }

    /** Acknowledges {@code bytes} of {@code call}'s request stream once they add up to half its window. */
    void acknowledge(LeanServerCall<?, ?> call, int bytes) {
        call.unacknowledged += bytes;
        if (call.unacknowledged >= RECEIVE_WINDOW / 2 && !call.isDone()) {
            writer.writeWindowUpdate(ctx, call.streamId, call.unacknowledged, ctx.voidPromise());
            call.unacknowledged = 0;
            flush();
        }
    }

    void resetStream(int streamId) {
        writer.writeRstStream(ctx, streamId, Http2Error.CANCEL.code(), ctx.voidPromise());
        flush();
    }

    void removeStream(LeanServerCall<?, ?> call) {
        streams.remove(call.streamId);
        if (goingAway && streams.isEmpty()) {
            flushNow();
            ctx.close();
        }
    }

    void writeResponseHeaders(int streamId, Metadata metadata) {
        if (metadata == null || metadata.keys().isEmpty()) {
            writeOwnBlock(streamId, false);
        } else {
            writer.writeHeaders(ctx, streamId, GrpcWire.addMetadata(GrpcWire.responseHeaders(), metadata), 0, false,
                ctx.voidPromise());
        }
        flush();
    }

    /**
     * Writes as much of {@code frame} (a gRPC frame, with {@link #FRAME_HEADER} bytes free before
     * its reader index) as the windows allow.
     *
     * @return bytes written; all of them means the buffer now belongs to the channel
     */
    int writeData(LeanServerCall<?, ?> call, ByteBuf frame) {
        int written = 0;
        while (frame.isReadable()) {
            long allowed = Math.min(Math.min(connectionSendWindow, call.sendWindow), peerMaxFrame);
            if (allowed <= 0) {
                break;
            }
            int n = (int) Math.min(allowed, frame.readableBytes());
            connectionSendWindow -= n;
            call.sendWindow -= n;
            written += n;
            if (n == frame.readableBytes() && frame.readerIndex() == FRAME_HEADER) {
                // the whole message in one DATA frame: its header goes into the bytes left for it
                frame.setMedium(0, n).setByte(3, 0).setByte(4, 0).setInt(5, call.streamId);
                frame.readerIndex(0);
                ctx.write(frame, ctx.voidPromise());
                flush();
                return written;
            }
            writer.writeData(ctx, call.streamId, frame.readRetainedSlice(n), 0, false, ctx.voidPromise());
        }
        if (!frame.isReadable()) {
            frame.release();
        }
        flush();
        return written;
    }

    /** Bytes a whole unary answer keeps free after its message: room for the OK trailers' HEADERS frame. */
    static final int UNARY_TAIL = FRAME_HEADER + ResponseBlocks.MAX_TRAILERS_LENGTH;

    /** Bytes the next whole unary answer keeps free before its DATA frame's header: the response HEADERS frame. */
    int unaryLead() {
        return FRAME_HEADER + blocks.headersLength();
    }

    /**
     * Writes a whole unary answer, response headers, message and OK trailers, as one buffer, if
     * the windows take the message in one DATA frame; otherwise leaves {@code answer} alone.
     *
     * @param answer {@code lead} + {@link #FRAME_HEADER} free bytes, then the gRPC frame (its reader
     *     index at the frame), with {@link #UNARY_TAIL} bytes of room after it
     * @param lead {@link #unaryLead()} when the buffer was made (nothing was written since)
     * @return whether it was written (the buffer then belongs to the channel)
     */
    boolean writeUnary(LeanServerCall<?, ?> call, ByteBuf answer, int lead) {
        int n = answer.readableBytes();
        if (n > Math.min(Math.min(connectionSendWindow, call.sendWindow), peerMaxFrame)) {
            return false;
        }
        if (lead != unaryLead()) {
            throw new IllegalStateException("answer made for a lead of " + lead + " bytes, now " + unaryLead());
        }
        connectionSendWindow -= n;
        call.sendWindow -= n;
        int end = answer.writerIndex();
        answer.setIndex(0, 0);
        writeFrameHeader(answer, blocks.headersLength(), FLAG_END_HEADERS, call.streamId);
        blocks.writeHeaders(answer);
        answer.writeMedium(n).writeByte(0).writeByte(0).writeInt(call.streamId); // DATA
        answer.writerIndex(end);
        writeFrameHeader(answer, blocks.trailersLength(), FLAG_END_HEADERS | FLAG_END_STREAM, call.streamId);
        blocks.writeTrailers(answer);
        ctx.write(answer, ctx.voidPromise());
        flush();
        return true;
    }

    /** The call's end: trailers, or a trailers-only response when no headers went out. */
    void writeTrailers(int streamId, Status status, Metadata trailers, boolean trailersOnly, Metadata headers) {
        if (trailersOnly && headers != null && !headers.keys().isEmpty()) {
            writeResponseHeaders(streamId, headers);
            trailersOnly = false;
        }
        if (!trailersOnly && status.isOk() && status.getDescription() == null && trailers.keys().isEmpty()) {
            writeOwnBlock(streamId, true);
        } else {
            writer.writeHeaders(ctx, streamId, GrpcWire.trailers(status, trailers, trailersOnly), 0, true,
                ctx.voidPromise());
        }
        flush();
    }

    /** Sends GOAWAY; the connection closes once its calls are over. */
    void goAway() {
        onLoop(() -> {
            if (goingAway || !ctx.channel().isActive()) {
                return;
            }
            goingAway = true;
            writer.writeGoAway(ctx, lastStreamId, Http2Error.NO_ERROR.code(), Unpooled.EMPTY_BUFFER, ctx.voidPromise());
            flushNow();
            if (streams.isEmpty()) {
                ctx.close();
            }
        });
    }

    void closeNow() {
        if (ctx != null) {
            ctx.channel().close();
        }
    }

    // ---- internals ----

    /** A HEADERS frame of the usual response headers, or of the OK trailers. */
    private void writeOwnBlock(int streamId, boolean trailers) {
        int length = trailers ? blocks.trailersLength() : blocks.headersLength();
        ByteBuf out = ctx.alloc().buffer(FRAME_HEADER + length);
        writeFrameHeader(out, length, FLAG_END_HEADERS | (trailers ? FLAG_END_STREAM : 0), streamId);
        if (trailers) {
            blocks.writeTrailers(out);
        } else {
            blocks.writeHeaders(out);
        }
        ctx.write(out, ctx.voidPromise());
    }

    private static void writeFrameHeader(ByteBuf out, int length, int flags, int streamId) {
        out.writeMedium(length).writeByte(TYPE_HEADERS).writeByte(flags).writeInt(streamId);
    }

    private void flush() {
        if (reading) {
            flushPending = true;
        } else if (!flushScheduled) {
            flushScheduled = true;
            ctx.executor().execute(flushTask);
        }
    }

    private void flushNow() {
        flushScheduled = false;
        flushPending = false;
        ctx.flush();
    }

    private void refuse(int streamId, Http2Headers trailers) {
        writer.writeHeaders(ctx, streamId, trailers, 0, true, ctx.voidPromise());
        flush();
    }

    private static Http2Headers failure(String httpStatus, Status status) {
        Http2Headers h = GrpcWire.trailers(status, new Metadata(), true);
        h.status(httpStatus);
        return h;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        Attributes a = Attributes.newBuilder()
            .set(Grpc.TRANSPORT_ATTR_REMOTE_ADDR, ctx.channel().remoteAddress())
            .set(Grpc.TRANSPORT_ATTR_LOCAL_ADDR, ctx.channel().localAddress()).build();
        for (ServerTransportFilter filter : server.filters()) {
            a = filter.transportReady(a);
        }
        attributes = a;
        writer.writeSettings(ctx, new Http2Settings().initialWindowSize(RECEIVE_WINDOW)
            .maxHeaderListSize(Http2CodecUtil.DEFAULT_HEADER_LIST_SIZE), ctx.voidPromise());
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
            flushNow();
        }
        super.channelReadComplete(ctx);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Http2Exception {
        if (!prefaceSeen) {
            ByteBuf preface = Http2CodecUtil.connectionPrefaceBuf();
            int need = preface.readableBytes();
            int have = Math.min(need, in.readableBytes());
            boolean matches = in.slice(in.readerIndex(), have).equals(preface.slice(0, have));
            preface.release();
            if (!matches) {
                throw Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR, "not an HTTP/2 client preface");
            }
            if (have < need) {
                return;
            }
            in.skipBytes(need);
            prefaceSeen = true;
        }
        reader.readFrame(ctx, in, frames);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        for (LeanServerCall<?, ?> call : new ArrayList<>(streams.values())) {
            call.cancel();
        }
        streams.clear();
        for (ServerTransportFilter filter : server.filters()) {
            try {
                filter.transportTerminated(attributes);
            } catch (RuntimeException e) {
                LOG.warn("transport filter failed", e);
            }
        }
        server.closed(this);
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable t = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (t instanceof Http2Exception.StreamException e) {
            writer.writeRstStream(ctx, e.streamId(), e.error().code(), ctx.voidPromise());
            flushNow();
            LeanServerCall<?, ?> call = streams.get(e.streamId());
            if (call != null) {
                call.cancel();
            }
            return;
        }
        long code = t instanceof Http2Exception e ? e.error().code() : Http2Error.INTERNAL_ERROR.code();
        LOG.debug("closing the connection from {}: {}", ctx.channel().remoteAddress(), t.toString());
        if (ctx.channel().isActive() && prefaceSeen) {
            writer.writeGoAway(ctx, lastStreamId, code, Unpooled.EMPTY_BUFFER, ctx.newPromise());
            ctx.flush();
        }
        ctx.close();
    }

    /** The frames the client sends. */
    private final class FrameListener extends Http2FrameAdapter {
        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int padding,
                                  boolean endOfStream) throws Http2Exception {
            LeanServerCall<?, ?> open = streams.get(streamId);
            if (open != null) {
                // trailers from the client: only their end of stream matters
                if (endOfStream) {
                    open.onHalfClose();
                }
                return;
            }
            if ((streamId & 1) == 0) {
                throw Http2Exception.connectionError(Http2Error.PROTOCOL_ERROR,
                    "HEADERS on stream %d, not a client stream", streamId);
            }
            if (streamId <= lastStreamId) {
                return; // a stream this side has closed already (the call ended before the client's end)
            }
            lastStreamId = streamId;
            if (goingAway) {
                writer.writeRstStream(ctx, streamId, Http2Error.REFUSED_STREAM.code(), ctx.voidPromise());
                flush();
                return;
            }
            start(streamId, headers, endOfStream);
        }

        @Override
        public void onHeadersRead(ChannelHandlerContext ctx, int streamId, Http2Headers headers, int streamDependency,
                                  short weight, boolean exclusive, int padding, boolean endOfStream)
            throws Http2Exception {
            onHeadersRead(ctx, streamId, headers, padding, endOfStream);
        }

        @Override
        public int onDataRead(ChannelHandlerContext ctx, int streamId, ByteBuf data, int padding, boolean endOfStream) {
            int consumed = data.readableBytes() + padding;
            receivedSinceUpdate += consumed;
            if (receivedSinceUpdate >= RECEIVE_WINDOW / 2) {
                writer.writeWindowUpdate(ctx, 0, receivedSinceUpdate, ctx.voidPromise());
                receivedSinceUpdate = 0;
                flush();
            }
            LeanServerCall<?, ?> call = streams.get(streamId);
            if (call != null) {
                int ack = call.onData(data, server.maxMessageBytes()) + padding;
                if (endOfStream) {
                    call.onHalfClose();
                } else if (ack > 0) {
                    acknowledge(call, ack);
                }
            }
            return consumed;
        }

        @Override
        public void onRstStreamRead(ChannelHandlerContext ctx, int streamId, long errorCode) {
            LeanServerCall<?, ?> call = streams.get(streamId);
            if (call != null) {
                call.cancel();
            }
        }

        @Override
        public void onSettingsRead(ChannelHandlerContext ctx, Http2Settings settings) throws Http2Exception {
            if (settings.maxFrameSize() != null) {
                peerMaxFrame = settings.maxFrameSize();
                writer.configuration().frameSizePolicy().maxFrameSize(peerMaxFrame);
            }
            writer.writeSettingsAck(ctx, ctx.voidPromise());
            if (settings.headerTableSize() != null && blocks.peerTableSize(settings.headerTableSize())) {
                // the table shrinks once the peer reads the ACK: the other encoder's next block says so too
                writer.headersConfiguration().maxHeaderTableSize(0);
            }
            if (settings.initialWindowSize() != null) {
                long delta = settings.initialWindowSize() - peerInitialWindow;
                peerInitialWindow = settings.initialWindowSize();
                for (LeanServerCall<?, ?> call : new ArrayList<>(streams.values())) {
                    call.windowChanged(delta);
                }
            }
            flush();
        }

        @Override
        public void onPingRead(ChannelHandlerContext ctx, long data) {
            writer.writePing(ctx, true, data, ctx.voidPromise());
            flush();
        }

        @Override
        public void onWindowUpdateRead(ChannelHandlerContext ctx, int streamId, int increment) {
            if (streamId == 0) {
                connectionSendWindow += increment;
                for (LeanServerCall<?, ?> call : new ArrayList<>(streams.values())) {
                    call.windowChanged(0);
                }
            } else {
                LeanServerCall<?, ?> call = streams.get(streamId);
                if (call != null) {
                    call.windowChanged(increment);
                }
            }
        }
    }

    private void start(int streamId, Http2Headers headers, boolean endOfStream) {
        CharSequence method = headers.method();
        if (method == null || !AsciiString.contentEquals(method, POST)) {
            refuse(streamId, failure("405", Status.INTERNAL.withDescription("Method '" + method + "' is not supported")));
            return;
        }
        CharSequence contentType = headers.get(GrpcWire.CONTENT_TYPE);
        if (contentType == null || !AsciiString.of(contentType).toLowerCase().startsWith(GrpcWire.GRPC)) {
            refuse(streamId, failure("415", Status.INTERNAL.withDescription(
                "Content-Type '" + contentType + "' is not supported")));
            return;
        }
        CharSequence path = headers.path();
        if (path == null || path.length() < 2 || path.charAt(0) != '/') {
            refuse(streamId, failure("404", Status.UNIMPLEMENTED.withDescription(
                "Expected path to start with /: " + path)));
            return;
        }
        String name = path.toString().substring(1);
        ServerMethodDefinition<?, ?> definition = server.method(name);
        if (definition == null) {
            refuse(streamId, GrpcWire.trailers(Status.UNIMPLEMENTED.withDescription("Method not found: " + name),
                new Metadata(), true));
            return;
        }
        long timeout = -1;
        CharSequence grpcTimeout = headers.get(GrpcWire.GRPC_TIMEOUT);
        if (grpcTimeout != null) {
            timeout = GrpcWire.timeoutNanos(grpcTimeout);
        }
        CharSequence authority = headers.authority();
        startCall(streamId, definition, GrpcWire.metadata(headers), authority == null ? null : authority.toString(),
            timeout, endOfStream);
    }

    private <Q, R> void startCall(int streamId, ServerMethodDefinition<Q, R> definition, Metadata metadata,
                                  String authority, long timeout, boolean endOfStream) {
        LeanServerCall<Q, R> call = new LeanServerCall<>(this, streamId, definition.getMethodDescriptor(), authority,
            peerInitialWindow);
        streams.put(streamId, call);
        call.start(definition.getServerCallHandler(), metadata, timeout);
        if (endOfStream) {
            call.onHalfClose();
        }
    }
}
