package io.concordkv.server.grpc;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.Status;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A call handler that runs {@code next} off the event loop: the call is started, and each of its
 * listener's callbacks run, on {@code pool}, one at a time and in order, in the gRPC context of the
 * callback. The server itself runs every call on its connection's event loop (gRPC's direct
 * executor, which spares every call two thread hand-offs); methods whose handlers may block are
 * wrapped in this. An exception from {@code next} closes the call with {@code UNKNOWN}, as gRPC's
 * own executor does.
 */
final class Offloaded<Q, R> implements ServerCallHandler<Q, R> {
    private static final Logger LOG = LoggerFactory.getLogger(Offloaded.class);

    private final ServerCallHandler<Q, R> next;
    private final Executor pool;

    Offloaded(ServerCallHandler<Q, R> next, Executor pool) {
        this.next = next;
        this.pool = pool;
    }

    @Override
    public ServerCall.Listener<Q> startCall(ServerCall<Q, R> call, Metadata headers) {
        Listener<Q, R> listener = new Listener<>(call, new Serial(pool));
        listener.run(() -> listener.delegate = next.startCall(call, headers));
        return listener;
    }

    /** Hands each callback to the serial executor; {@code delegate} is set by the first task. */
    private static final class Listener<Q, R> extends ServerCall.Listener<Q> {
        private final ServerCall<Q, R> call;
        private final Serial serial;
        private ServerCall.Listener<Q> delegate;  // written and read only by tasks of serial

        Listener(ServerCall<Q, R> call, Serial serial) {
            this.call = call;
            this.serial = serial;
        }

        private void run(Runnable task) {
            Context context = Context.current();
            serial.execute(() -> {
                Context previous = context.attach();
                try {
                    task.run();
                } catch (RuntimeException | Error e) {
                    LOG.warn("{} failed", call.getMethodDescriptor().getFullMethodName(), e);
                    try {
                        call.close(Status.UNKNOWN.withDescription("Application error processing RPC").withCause(e),
                            new Metadata());
                    } catch (IllegalStateException alreadyClosed) {
                        // the handler closed the call before it failed
                    }
                } finally {
                    context.detach(previous);
                }
            });
        }

        /** Runs {@code callback} on the listener {@code next} returned; none if starting the call failed (it is closed). */
        private void deliver(Consumer<ServerCall.Listener<Q>> callback) {
            run(() -> {
                if (delegate != null) {
                    callback.accept(delegate);
                }
            });
        }

        @Override
        public void onMessage(Q message) {
            deliver(l -> l.onMessage(message));
        }

        @Override
        public void onHalfClose() {
            deliver(ServerCall.Listener::onHalfClose);
        }

        @Override
        public void onCancel() {
            deliver(ServerCall.Listener::onCancel);
        }

        @Override
        public void onComplete() {
            deliver(ServerCall.Listener::onComplete);
        }

        @Override
        public void onReady() {
            deliver(ServerCall.Listener::onReady);
        }
    }

    /** Runs its tasks on the pool one at a time, in the order they were given. Thread-safe. */
    static final class Serial implements Executor {
        private final Executor pool;
        private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
        private final AtomicBoolean scheduled = new AtomicBoolean();

        Serial(Executor pool) {
            this.pool = pool;
        }

        @Override
        public void execute(Runnable task) {
            tasks.add(task);
            schedule();
        }

        private void schedule() {
            if (scheduled.compareAndSet(false, true)) {
                try {
                    pool.execute(this::drain);
                } catch (RuntimeException e) {
                    scheduled.set(false);
                    throw e;
                }
            }
        }

        private void drain() {
            try {
                for (Runnable task = tasks.poll(); task != null; task = tasks.poll()) {
                    task.run();
                }
            } finally {
                scheduled.set(false);
                if (!tasks.isEmpty()) {
                    schedule();
                }
            }
        }
    }
}
