package io.concordkv.server.grpc;

import io.concordkv.server.service.TxnSessions;
import io.grpc.Attributes;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerTransportFilter;
import java.net.SocketAddress;

/**
 * Ties interactive transactions to the client connection that began them: an interceptor puts the
 * connection's identity (its remote address, unique per open connection) in each call's context,
 * and a transport filter rolls back that connection's transactions when it closes. Thread-safe.
 */
public final class ConnectionOwners {
    static final Context.Key<String> OWNER = Context.key("concordkv-connection");

    private final TxnSessions sessions;

    public ConnectionOwners(TxnSessions sessions) {
        this.sessions = sessions;
    }

    private static String identity(SocketAddress remote) {
        return remote == null ? "unknown" : remote.toString();
    }

    /** The identity of the connection the current call arrived on. */
    static String current() {
        String owner = OWNER.get();
        return owner == null ? "unknown" : owner;
    }

    public ServerInterceptor interceptor() {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
                                                                ServerCallHandler<Q, R> next) {
                String owner = identity(call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR));
                return Contexts.interceptCall(Context.current().withValue(OWNER, owner), call, headers, next);
            }
        };
    }

    public ServerTransportFilter transportFilter() {
        return new ServerTransportFilter() {
            @Override
            public void transportTerminated(Attributes transportAttrs) {
                if (transportAttrs != null) {
                    sessions.closeOwner(identity(transportAttrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR)));
                }
            }
        };
    }
}
