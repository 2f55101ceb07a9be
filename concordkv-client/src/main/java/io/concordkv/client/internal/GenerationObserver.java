package io.concordkv.client.internal;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.function.Consumer;
import java.util.function.IntPredicate;

/**
 * The callbacks of one generation of a long-lived stream that is reopened when it breaks (watches,
 * lease keep-alives): they are passed on only while this generation is the stream's current one, so
 * late callbacks of a replaced stream are ignored. A server that ends the stream counts as a break
 * ({@code UNAVAILABLE}), so that the stream is reopened.
 */
final class GenerationObserver<T> implements StreamObserver<T> {
    private final int generation;
    private final IntPredicate current;
    private final Consumer<T> onResponse;
    private final Consumer<Throwable> onBroken;
    private final String what;

    /** @param what the stream's name, for the error when the server ends it */
    GenerationObserver(int generation, IntPredicate current, Consumer<T> onResponse, Consumer<Throwable> onBroken,
                       String what) {
        this.generation = generation;
        this.current = current;
        this.onResponse = onResponse;
        this.onBroken = onBroken;
        this.what = what;
    }

    @Override
    public void onNext(T value) {
        if (current.test(generation)) {
            onResponse.accept(value);
        }
    }

    @Override
    public void onError(Throwable t) {
        if (current.test(generation)) {
            onBroken.accept(t);
        }
    }

    @Override
    public void onCompleted() {
        if (current.test(generation)) {
            onBroken.accept(Status.UNAVAILABLE.withDescription("server closed the " + what + " stream").asException());
        }
    }
}
