package io.concordkv.server.grpc;

import io.grpc.Attributes;
import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gRPC call on a {@link LeanConnection}: the {@link ServerCall} that grpc-java's handlers
 * (stubs, interceptors) answer through, and the stream's state.
 *
 * <h2>Threads</h2>
 * The stream's state belongs to the connection's event loop; every listener callback runs there.
 * The {@code ServerCall} methods may be called from any thread (a handler that completes on
 * another thread answers from it): {@link #sendMessage} serialises on the caller's thread, and
 * the rest is handed to the event loop in call order.
 */
final class LeanServerCall<Q, R> extends ServerCall<Q, R> {
    private static final Logger LOG = LoggerFactory.getLogger(LeanServerCall.class);
    /** As grpc-java: a call stops being ready once this much of its output waits for the peer's window. */
    private static final int READY_THRESHOLD = 32 * 1024;

    private final LeanConnection connection;
    final int streamId;
    private final MethodDescriptor<Q, R> method;
    private final String authority;
    private Listener<Q> listener;

    // event loop only
    private final ArrayDeque<InputStream> inbound = new ArrayDeque<>();
    private ByteBuf partial;
    private int requested;
    private boolean halfClosed;
    private boolean halfCloseDelivered;
    private int deferredAck;
    long sendWindow;
    /** Request bytes delivered but not yet given back to the client's window. */
    int unacknowledged;
    private final ArrayDeque<ByteBuf> outbound = new ArrayDeque<>();
    private Metadata headers;
    private boolean headersSent;
    private Status closeStatus;
    private Metadata closeTrailers;
    private boolean done;
    private ScheduledFuture<?> deadline;

    private final ConcurrentLinkedQueue<Object> asked = new ConcurrentLinkedQueue<>();
    /** Headers the handler sent and the event loop has not taken yet ({@link #sendHeaders}). */
    private volatile Metadata pendingHeaders;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable runAsked = this::runAsked;
    /** Bytes of answers asked for and not yet written (estimated until serialised). */
    private final AtomicInteger outboundBytes = new AtomicInteger();
    private volatile boolean cancelled;
    private volatile boolean closeCalled;
    /** The handler found the call not ready and is owed an {@code onReady} when it is. */
    private volatile boolean owesReady;

    LeanServerCall(LeanConnection connection, int streamId, MethodDescriptor<Q, R> method, String authority,
                   long sendWindow) {
        this.connection = connection;
        this.streamId = streamId;
        this.method = method;
        this.authority = authority;
        this.sendWindow = sendWindow;
    }

    /** Starts the handler (on the event loop); the call may already be closed when this returns. */
    void start(ServerCallHandler<Q, R> handler, Metadata requestHeaders, long timeoutNanos) {
        if (timeoutNanos >= 0) {
            deadline = connection.schedule(() -> {
                if (!done) {
                    connection.resetStream(streamId);
                    cancel();
                }
            }, timeoutNanos);
        }
        Listener<Q> l;
        try {
            l = Objects.requireNonNull(handler.startCall(this, requestHeaders), "startCall returned no listener");
        } catch (RuntimeException e) {
            applicationError(e);
            return;
        }
        listener = l;
        notifyReady(); // as grpc-java's transports do once a stream can be written
        deliver();
    }

    // ---- ServerCall ----

    @Override
    public void request(int numMessages) {
        connection.onLoop(() -> {
            requested = (int) Math.min(Integer.MAX_VALUE, (long) requested + numMessages);
            deliver();
        });
    }

    /**
     * Headers go out with the first message or the close, whichever comes first, so they need no
     * task of their own: they wait here for the event loop, which takes them before it handles the
     * message or close asked for after them.
     */
    @Override
    public void sendHeaders(Metadata md) {
        if (pendingHeaders == null) {
            pendingHeaders = md;
        }
    }

    @Override
    public void sendMessage(R message) {
        if (closeCalled) {
            throw new IllegalStateException("call is closed");
        }
        InputStream stream = method.streamResponse(message);
        int estimate = 5;
        try {
            estimate += stream instanceof KnownLength ? stream.available() : 0;
        } catch (IOException e) {
            // serialised on the event loop, which reports the failure
        }
        addOutbound(estimate);
        ask(new SendMessage(stream, estimate));
    }

    @Override
    public boolean isReady() {
        boolean ready = !cancelled && !closeCalled && outboundBytes.get() < READY_THRESHOLD;
        if (!ready) {
            owesReady = true;
        }
        return ready;
    }

    @Override
    public void close(Status status, Metadata trailers) {
        if (closeCalled) {
            throw new IllegalStateException("call already closed");
        }
        closeCalled = true;
        ask(new Close(status, trailers));
    }

    private record SendMessage(InputStream stream, int estimate) {
    }

    private record Close(Status status, Metadata trailers) {
    }

    /**
     * Queues what the handler asked for, in order, for the event loop, with at most one task
     * scheduled at a time: a unary answer from another thread (message, then close) costs one
     * hand-off, and its serialisation happens on the event loop, where its buffer is written.
     */
    private void ask(Object op) {
        asked.add(op);
        if (connection.inEventLoop()) {
            runAsked();
        } else if (scheduled.compareAndSet(false, true)) {
            connection.execute(runAsked);
        }
    }

    private void runAsked() {
        scheduled.set(false); // before draining: an op added after this schedules its own run
        for (Object op = asked.poll(); op != null; op = asked.poll()) {
            takeHeaders();
            if (op instanceof SendMessage m) {
                if (asked.peek() instanceof Close c && endsUnary(c)) {
                    asked.poll();
                    sendLast(m, c);
                } else {
                    send(m);
                }
            } else if (op instanceof Close c) {
                close(c);
            }
        }
    }

    /** The headers {@link #sendHeaders} left, for the message or close about to be handled. */
    private void takeHeaders() {
        Metadata h = pendingHeaders;
        if (h != null && !done && headers == null && !headersSent) {
            headers = h;
        }
    }

    private void close(Close c) {
        if (!done && closeStatus == null) {
            closeStatus = c.status();
            closeTrailers = c.trailers();
            drain();
        }
    }

    /**
     * Whether a message followed by {@code c} is a whole unary answer with nothing but the defaults
     * around it (no headers or trailers of its own, status OK), as almost every answer is: then
     * {@link #sendLast} writes it as one buffer instead of three.
     */
    private boolean endsUnary(Close c) {
        return !done && !headersSent && closeStatus == null && outbound.isEmpty()
            && (headers == null || headers.keys().isEmpty())
            && c.status().isOk() && c.status().getDescription() == null && c.trailers().keys().isEmpty();
    }

    /** The answer's message and its end together: one buffer when the windows allow, else as usual. */
    private void sendLast(SendMessage m, Close c) {
        int lead = connection.unaryLead();
        ByteBuf answer = serialiseOrFail(m, lead, LeanConnection.UNARY_TAIL);
        if (answer == null) {
            return;
        }
        addOutbound(-m.estimate());
        if (connection.writeUnary(this, answer, lead)) {
            headersSent = true;
            closeStatus = c.status();
            closeTrailers = c.trailers();
            complete();
            return;
        }
        // the windows cannot take it whole: the gRPC frame alone, on the usual path
        ByteBuf frame = answer.retainedSlice(lead, answer.writerIndex() - lead);
        answer.release();
        frame.readerIndex(LeanConnection.FRAME_HEADER);
        queue(frame);
        close(c);
    }

    private void send(SendMessage m) {
        ByteBuf frame = serialiseOrFail(m, 0, 0);
        if (frame != null) {
            addOutbound(-m.estimate());
            queue(frame);
        }
    }

    private void queue(ByteBuf frame) {
        addOutbound(frame.readableBytes());
        outbound.add(frame);
        writeHeadersIfNeeded();
        drain();
    }

    /** The message serialised ({@link #serialise}); null when the call is over or it cannot be (the call then fails). */
    private ByteBuf serialiseOrFail(SendMessage m, int lead, int tail) {
        if (done) {
            addOutbound(-m.estimate());
            return null;
        }
        try {
            return serialise(m.stream(), lead, tail);
        } catch (IOException | RuntimeException e) {
            addOutbound(-m.estimate());
            if (closeStatus == null) {
                closeStatus = Status.INTERNAL.withDescription("cannot serialise the response").withCause(e);
                closeTrailers = new Metadata();
                drain();
            }
            return null;
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    @Override
    public MethodDescriptor<Q, R> getMethodDescriptor() {
        return method;
    }

    @Override
    public Attributes getAttributes() {
        return connection.attributes();
    }

    @Override
    public String getAuthority() {
        return authority;
    }

    // ---- from the connection (event loop) ----

    /**
     * Bytes of the request stream's DATA frame: splits them into gRPC messages.
     *
     * @return bytes to acknowledge now (window update); the rest is acknowledged as messages are delivered
     */
    int onData(ByteBuf data, int maxMessageBytes) {
        int n = data.readableBytes();
        if (done) {
            return n;
        }
        // whole messages are read straight from the frame; only a message split across frames is gathered
        ByteBuf src = data;
        if (partial != null) {
            partial.writeBytes(data);
            src = partial;
        }
        while (src.readableBytes() >= 5) {
            int at = src.readerIndex();
            int flags = src.getUnsignedByte(at);
            long length = src.getUnsignedInt(at + 1);
            if ((flags & 1) != 0) {
                failRequest(Status.UNIMPLEMENTED.withDescription("compressed requests are not supported"));
                return n;
            }
            if (length > maxMessageBytes) {
                failRequest(Status.RESOURCE_EXHAUSTED.withDescription(
                    String.format("gRPC message exceeds maximum size %d: %d", maxMessageBytes, length)));
                return n;
            }
            if (src.readableBytes() < 5 + length) {
                break;
            }
            byte[] bytes = new byte[(int) length];
            src.getBytes(at + 5, bytes);
            src.skipBytes(5 + (int) length);
            inbound.add(new MessageStream(bytes));
        }
        if (src == data && data.isReadable()) {
            partial = connection.alloc().buffer(Math.max(data.readableBytes(), 64));
            partial.writeBytes(data);
        } else if (partial != null && !partial.isReadable()) {
            partial.release();
            partial = null;
        }
        int ack;
        if (inbound.isEmpty()) {
            ack = n;
        } else {
            deferredAck += n;
            ack = 0;
        }
        deliver();
        return ack;
    }

    /** The client ended its side of the stream. */
    void onHalfClose() {
        if (done) {
            return;
        }
        if (partial != null) {
            failRequest(Status.INTERNAL.withDescription("Encountered end-of-stream mid-frame"));
            return;
        }
        halfClosed = true;
        deliver();
    }

    /** The client reset the stream, the connection closed, or the deadline passed. */
    void cancel() {
        if (done) {
            return;
        }
        finish();
        cancelled = true;
        if (listener != null) {
            try {
                listener.onCancel();
            } catch (RuntimeException e) {
                LOG.warn("{}: onCancel failed", method.getFullMethodName(), e);
            }
        }
    }

    /** The peer's window for this stream grew (or its initial window changed by {@code delta}). */
    void windowChanged(long delta) {
        sendWindow += delta;
        drain();
    }

    boolean isDone() {
        return done;
    }

    // ---- internals (event loop) ----

    private void deliver() {
        if (listener == null || done) {
            return;
        }
        try {
            while (requested > 0 && !inbound.isEmpty() && !done) {
                requested--;
                InputStream message = inbound.poll();
                if (inbound.isEmpty() && deferredAck > 0) {
                    connection.acknowledge(this, deferredAck);
                    deferredAck = 0;
                }
                listener.onMessage(method.parseRequest(message));
            }
            if (halfClosed && inbound.isEmpty() && !halfCloseDelivered && !done) {
                halfCloseDelivered = true;
                listener.onHalfClose();
            }
        } catch (RuntimeException e) {
            applicationError(e);
        }
    }

    /** Like grpc-java: a handler that throws closes its call with UNKNOWN. */
    private void applicationError(RuntimeException e) {
        LOG.warn("{} failed", method.getFullMethodName(), e);
        if (!closeCalled) {
            closeCalled = true;
            closeStatus = Status.UNKNOWN.withDescription("Application error processing RPC").withCause(e);
            closeTrailers = new Metadata();
            drain();
        }
    }

    /** A request that cannot be read: the call ends with {@code status} and the handler is told it was cancelled. */
    private void failRequest(Status status) {
        if (partial != null) {
            partial.release();
            partial = null;
        }
        boolean wasClosed = closeCalled;
        closeCalled = true;
        outbound.forEach(ByteBuf::release);
        outbound.clear();
        if (!wasClosed) {
            closeStatus = status;
            closeTrailers = new Metadata();
            drain();
        }
        if (!done) {
            connection.resetStream(streamId);
            cancel();
        }
    }

    private void writeHeadersIfNeeded() {
        if (!headersSent) {
            headersSent = true;
            connection.writeResponseHeaders(streamId, headers);
            headers = null;
        }
    }

    /** Writes queued messages as the windows allow, then the trailers once all are out. */
    private void drain() {
        if (done) {
            return;
        }
        while (!outbound.isEmpty()) {
            ByteBuf frame = outbound.peek();
            int before = frame.readableBytes();
            int written = connection.writeData(this, frame);
            addOutbound(-written);
            if (written < before) {
                break;
            }
            outbound.poll();
        }
        if (outbound.isEmpty() && closeStatus != null) {
            takeHeaders(); // a handler that sent headers and then failed still gets them sent
            boolean trailersOnly = !headersSent;
            headersSent = true;
            connection.writeTrailers(streamId, closeStatus, closeTrailers, trailersOnly, headers);
            complete();
        } else if (owesReady && outboundBytes.get() < READY_THRESHOLD && listener != null && !closeCalled) {
            // the handler saw the call not ready: tell it once it is again, from a task of its own
            // (never from inside the sendMessage that may have led here)
            owesReady = false;
            connection.execute(this::notifyReady);
        }
    }

    /** The call's end went out: the stream is over and the handler hears so. */
    private void complete() {
        finish();
        if (listener != null) {
            try {
                listener.onComplete();
            } catch (RuntimeException e) {
                LOG.warn("{}: onComplete failed", method.getFullMethodName(), e);
            }
        }
    }

    private void notifyReady() {
        if (done || listener == null || closeCalled) {
            return;
        }
        try {
            listener.onReady();
        } catch (RuntimeException e) {
            applicationError(e);
        }
    }

    /** The stream is over: releases what it holds and leaves the connection. */
    private void finish() {
        done = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (partial != null) {
            partial.release();
            partial = null;
        }
        outbound.forEach(ByteBuf::release);
        outbound.clear();
        inbound.clear();
        outboundBytes.set(0);
        connection.removeStream(this);
    }

    private void addOutbound(int delta) {
        outboundBytes.addAndGet(delta);
    }

    /**
     * A response message as its gRPC frame: [{@code lead} free bytes][9 bytes left for the DATA
     * frame header][flag 0][length][message], the reader index at the flag, with room for
     * {@code tail} more bytes after it.
     */
    private ByteBuf serialise(InputStream message, int lead, int tail) throws IOException {
        int known = message instanceof KnownLength ? message.available() : -1;
        int start = lead + LeanConnection.FRAME_HEADER;
        ByteBuf buf = connection.alloc().buffer(start + 5 + Math.max(known, 0) + tail);
        buf.writerIndex(start + 5);
        try (ByteBufOutputStream out = new ByteBufOutputStream(buf)) {
            if (message instanceof Drainable d) {
                d.drainTo(out);
            } else {
                message.transferTo(out);
            }
        } catch (IOException | RuntimeException e) {
            buf.release();
            throw e;
        }
        int length = buf.writerIndex() - start - 5;
        buf.setByte(start, 0).setInt(start + 1, length);
        buf.readerIndex(start);
        return buf;
    }

    /** A request message for the method's marshaller: its length known, so protobuf parses it in one go. */
    private static final class MessageStream extends ByteArrayInputStream implements KnownLength {
        MessageStream(byte[] bytes) {
            super(bytes);
        }
    }
}
