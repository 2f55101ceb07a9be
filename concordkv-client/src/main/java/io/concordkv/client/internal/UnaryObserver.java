package io.concordkv.client.internal;

import io.grpc.stub.StreamObserver;
import java.util.concurrent.CompletableFuture;

/** Completes a future with the single response of a unary gRPC call. */
final class UnaryObserver<T> implements StreamObserver<T> {
    private final CompletableFuture<T> future;

    UnaryObserver(CompletableFuture<T> future) {
        this.future = future;
    }

    @Override
    public void onNext(T value) {
        future.complete(value);
    }

    @Override
    public void onError(Throwable t) {
        future.completeExceptionally(t);
    }

    @Override
    public void onCompleted() {
        if (!future.isDone()) {
            future.completeExceptionally(new IllegalStateException("call ended without a response"));
        }
    }
}
