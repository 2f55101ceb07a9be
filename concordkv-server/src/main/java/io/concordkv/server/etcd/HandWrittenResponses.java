package io.concordkv.server.etcd;

import com.google.protobuf.CodedOutputStream;
import io.concordkv.server.grpc.RawBytes;
import io.grpc.MethodDescriptor;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * Server-side descriptors of etcd methods that the generated stubs we build on lack: the request
 * arrives as raw bytes, the response is written by hand in protobuf's wire format. Stateless.
 */
final class HandWrittenResponses {
    /** Writes one response's fields. */
    interface Writer<T> {
        void write(T response, CodedOutputStream out) throws IOException;
    }

    private HandWrittenResponses() {
    }

    /** A unary method {@code fullName} whose response {@code writer} encodes. */
    static <T> MethodDescriptor<byte[], T> unary(String fullName, Writer<T> writer) {
        MethodDescriptor.Marshaller<T> response = new MethodDescriptor.Marshaller<>() {
            @Override
            public InputStream stream(T value) {
                try {
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
                    writer.write(value, out);
                    out.flush();
                    return new ByteArrayInputStream(bytes.toByteArray());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public T parse(InputStream stream) {
                throw new UnsupportedOperationException("server side only");
            }
        };
        return MethodDescriptor.<byte[], T>newBuilder().setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(fullName).setRequestMarshaller(RawBytes.MARSHALLER).setResponseMarshaller(response)
            .build();
    }
}
