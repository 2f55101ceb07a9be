package io.concordkv.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.client.LeaseNotFoundException;
import io.grpc.Status;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

class GrpcErrorsTest {
    private static KvException map(Status.Code code, String description) {
        return GrpcErrors.toKvException(Status.fromCode(code).withDescription(description).asRuntimeException());
    }

    @Test
    void etcdMessagesMapToTheirCodes() {
        assertThat(map(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision has been compacted").code())
            .isEqualTo(ErrorCode.COMPACTED);
        assertThat(map(Status.Code.OUT_OF_RANGE, "etcdserver: mvcc: required revision is a future revision").code())
            .isEqualTo(ErrorCode.FUTURE_REVISION);
        assertThat(map(Status.Code.NOT_FOUND, "etcdserver: requested lease not found"))
            .isInstanceOf(LeaseNotFoundException.class)
            .extracting(KvException::code).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(map(Status.Code.INVALID_ARGUMENT, "etcdserver: request is too large").code())
            .isEqualTo(ErrorCode.REQUEST_TOO_LARGE);
        assertThat(map(Status.Code.INVALID_ARGUMENT, "etcdserver: too many operations in txn request").code())
            .isEqualTo(ErrorCode.REQUEST_TOO_LARGE);
        assertThat(map(Status.Code.INVALID_ARGUMENT, "etcdserver: key is not provided").code())
            .isEqualTo(ErrorCode.INVALID_ARGUMENT);
        assertThat(map(Status.Code.RESOURCE_EXHAUSTED, "etcdserver: mvcc: database space exceeded").code())
            .isEqualTo(ErrorCode.IO_ERROR);
        assertThat(map(Status.Code.UNAVAILABLE, "etcdserver: request timed out").code())
            .isEqualTo(ErrorCode.TIMEOUT);
    }

    @Test
    void statusCodesMapToTheClosestErrorCode() {
        assertThat(map(Status.Code.DEADLINE_EXCEEDED, "deadline exceeded after 1s").code())
            .isEqualTo(ErrorCode.TIMEOUT);
        assertThat(map(Status.Code.UNAVAILABLE, "io exception").code()).isEqualTo(ErrorCode.UNAVAILABLE);
        assertThat(map(Status.Code.UNIMPLEMENTED, "").code()).isEqualTo(ErrorCode.UNSUPPORTED);
        assertThat(map(Status.Code.DATA_LOSS, "").code()).isEqualTo(ErrorCode.CORRUPTION);
        assertThat(map(Status.Code.ABORTED, "").code()).isEqualTo(ErrorCode.CONFLICT);
        assertThat(map(Status.Code.NOT_FOUND, "").code()).isEqualTo(ErrorCode.NOT_FOUND);
        assertThat(map(Status.Code.ALREADY_EXISTS, "").code()).isEqualTo(ErrorCode.ALREADY_EXISTS);
        assertThat(map(Status.Code.UNKNOWN, "").code()).isEqualTo(ErrorCode.INTERNAL);
        for (Status.Code code : Status.Code.values()) {
            if (code != Status.Code.OK) {
                assertThat(map(code, "x").getMessage()).startsWith(code.name());
            }
        }
    }

    @Test
    void wrappedFailuresAreUnwrappedAndKvExceptionsKept() {
        KvException kv = new KvException(ErrorCode.CONFLICT, "x");
        assertThat(GrpcErrors.toKvException(new CompletionException(kv))).isSameAs(kv);
        assertThat(GrpcErrors.unavailable(new CompletionException(Status.UNAVAILABLE.asRuntimeException()))).isTrue();
        assertThat(GrpcErrors.unavailable(Status.DEADLINE_EXCEEDED.asRuntimeException())).isFalse();
        assertThat(GrpcErrors.unavailable(kv)).isFalse();
    }

    @Test
    void aConcordKvServersTrailerCodeWinsOverTheStatus() {
        io.grpc.Metadata trailers = new io.grpc.Metadata();
        trailers.put(GrpcErrors.ERROR_CODE, "DEADLOCK");
        KvException e = GrpcErrors.toKvException(Status.ABORTED.withDescription("victim").asRuntimeException(trailers));
        assertThat(e.code()).isEqualTo(ErrorCode.DEADLOCK);
        assertThat(e.code().retryable()).isTrue();
        trailers = new io.grpc.Metadata();
        trailers.put(GrpcErrors.ERROR_CODE, "SOME_FUTURE_CODE");
        assertThat(GrpcErrors.toKvException(Status.ABORTED.asRuntimeException(trailers)).code())
            .as("an unknown code from a newer server falls back to the status").isEqualTo(ErrorCode.CONFLICT);
    }
}
