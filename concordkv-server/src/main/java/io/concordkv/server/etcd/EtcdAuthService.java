package io.concordkv.server.etcd;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.server.grpc.GrpcErrors;
import io.etcd.jetcd.api.AuthDisableRequest;
import io.etcd.jetcd.api.AuthDisableResponse;
import io.etcd.jetcd.api.AuthEnableRequest;
import io.etcd.jetcd.api.AuthEnableResponse;
import io.etcd.jetcd.api.AuthGrpc;
import io.etcd.jetcd.api.AuthRoleAddRequest;
import io.etcd.jetcd.api.AuthRoleAddResponse;
import io.etcd.jetcd.api.AuthRoleDeleteRequest;
import io.etcd.jetcd.api.AuthRoleDeleteResponse;
import io.etcd.jetcd.api.AuthRoleGetRequest;
import io.etcd.jetcd.api.AuthRoleGetResponse;
import io.etcd.jetcd.api.AuthRoleGrantPermissionRequest;
import io.etcd.jetcd.api.AuthRoleGrantPermissionResponse;
import io.etcd.jetcd.api.AuthRoleListRequest;
import io.etcd.jetcd.api.AuthRoleListResponse;
import io.etcd.jetcd.api.AuthRoleRevokePermissionRequest;
import io.etcd.jetcd.api.AuthRoleRevokePermissionResponse;
import io.etcd.jetcd.api.AuthUserAddRequest;
import io.etcd.jetcd.api.AuthUserAddResponse;
import io.etcd.jetcd.api.AuthUserChangePasswordRequest;
import io.etcd.jetcd.api.AuthUserChangePasswordResponse;
import io.etcd.jetcd.api.AuthUserDeleteRequest;
import io.etcd.jetcd.api.AuthUserDeleteResponse;
import io.etcd.jetcd.api.AuthUserGetRequest;
import io.etcd.jetcd.api.AuthUserGetResponse;
import io.etcd.jetcd.api.AuthUserGrantRoleRequest;
import io.etcd.jetcd.api.AuthUserGrantRoleResponse;
import io.etcd.jetcd.api.AuthUserListRequest;
import io.etcd.jetcd.api.AuthUserListResponse;
import io.etcd.jetcd.api.AuthUserRevokeRoleRequest;
import io.etcd.jetcd.api.AuthUserRevokeRoleResponse;
import io.etcd.jetcd.api.AuthenticateRequest;
import io.etcd.jetcd.api.AuthenticateResponse;
import io.grpc.stub.StreamObserver;

/**
 * etcd's {@code Auth} service on a store without authentication, answered as an etcd cluster
 * whose authentication is disabled and that has no users or roles answers: the lists are empty,
 * a user or role is not found, Authenticate says authentication is not enabled, and AuthDisable
 * has nothing to do. Everything that would create users or roles, or turn authentication on,
 * fails with {@code UNSUPPORTED} (gRPC {@code UNIMPLEMENTED}): ConcordKV has no authentication
 * (docs/server.md). Thread-safe.
 */
final class EtcdAuthService extends AuthGrpc.AuthImplBase {
    private final Headers headers;

    EtcdAuthService(Headers headers) {
        this.headers = headers;
    }

    private static void unsupported(StreamObserver<?> out) {
        out.onError(GrpcErrors.status(new KvException(ErrorCode.UNSUPPORTED, "authentication is not supported by ConcordKV")));
    }

    /** etcd's answers to an unknown user or role, and to Authenticate while authentication is off. */
    private static void failedPrecondition(StreamObserver<?> out, String message) {
        out.onError(GrpcErrors.status(new KvException(ErrorCode.FAILED_PRECONDITION, message)));
    }

    @Override
    public void userList(AuthUserListRequest request, StreamObserver<AuthUserListResponse> out) {
        GrpcErrors.unary(out, () -> AuthUserListResponse.newBuilder().setHeader(headers.membership()).build());
    }

    @Override
    public void roleList(AuthRoleListRequest request, StreamObserver<AuthRoleListResponse> out) {
        GrpcErrors.unary(out, () -> AuthRoleListResponse.newBuilder().setHeader(headers.membership()).build());
    }

    @Override
    public void authDisable(AuthDisableRequest request, StreamObserver<AuthDisableResponse> out) {
        GrpcErrors.unary(out, () -> AuthDisableResponse.newBuilder().setHeader(headers.membership()).build());
    }

    @Override
    public void userGet(AuthUserGetRequest request, StreamObserver<AuthUserGetResponse> out) {
        failedPrecondition(out, "etcdserver: user name not found");
    }

    @Override
    public void roleGet(AuthRoleGetRequest request, StreamObserver<AuthRoleGetResponse> out) {
        failedPrecondition(out, "etcdserver: role name not found");
    }

    @Override
    public void authenticate(AuthenticateRequest request, StreamObserver<AuthenticateResponse> out) {
        failedPrecondition(out, "etcdserver: authentication is not enabled");
    }

    @Override
    public void authEnable(AuthEnableRequest request, StreamObserver<AuthEnableResponse> out) {
        unsupported(out);
    }

    @Override
    public void userAdd(AuthUserAddRequest request, StreamObserver<AuthUserAddResponse> out) {
        unsupported(out);
    }

    @Override
    public void userDelete(AuthUserDeleteRequest request, StreamObserver<AuthUserDeleteResponse> out) {
        unsupported(out);
    }

    @Override
    public void userChangePassword(AuthUserChangePasswordRequest request,
                                   StreamObserver<AuthUserChangePasswordResponse> out) {
        unsupported(out);
    }

    @Override
    public void userGrantRole(AuthUserGrantRoleRequest request, StreamObserver<AuthUserGrantRoleResponse> out) {
        unsupported(out);
    }

    @Override
    public void userRevokeRole(AuthUserRevokeRoleRequest request, StreamObserver<AuthUserRevokeRoleResponse> out) {
        unsupported(out);
    }

    @Override
    public void roleAdd(AuthRoleAddRequest request, StreamObserver<AuthRoleAddResponse> out) {
        unsupported(out);
    }

    @Override
    public void roleDelete(AuthRoleDeleteRequest request, StreamObserver<AuthRoleDeleteResponse> out) {
        unsupported(out);
    }

    @Override
    public void roleGrantPermission(AuthRoleGrantPermissionRequest request,
                                    StreamObserver<AuthRoleGrantPermissionResponse> out) {
        unsupported(out);
    }

    @Override
    public void roleRevokePermission(AuthRoleRevokePermissionRequest request,
                                     StreamObserver<AuthRoleRevokePermissionResponse> out) {
        unsupported(out);
    }
}
