package io.concordkv.server.etcd;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.concordkv.server.grpc.GrpcErrors;
import io.concordkv.server.service.KvService;
import io.concordkv.server.service.NodeStatus;
import io.concordkv.server.service.RangeQuery;
import io.concordkv.server.service.Replication;
import io.concordkv.storage.ScanRange;
import io.concordkv.txn.KeyVersion;
import io.etcd.jetcd.api.AlarmRequest;
import io.etcd.jetcd.api.AlarmResponse;
import io.etcd.jetcd.api.DefragmentRequest;
import io.etcd.jetcd.api.DefragmentResponse;
import io.etcd.jetcd.api.HashKVRequest;
import io.etcd.jetcd.api.HashKVResponse;
import io.etcd.jetcd.api.HashRequest;
import io.etcd.jetcd.api.HashResponse;
import io.etcd.jetcd.api.MaintenanceGrpc;
import io.etcd.jetcd.api.MoveLeaderRequest;
import io.etcd.jetcd.api.MoveLeaderResponse;
import io.etcd.jetcd.api.SnapshotRequest;
import io.etcd.jetcd.api.SnapshotResponse;
import io.etcd.jetcd.api.StatusRequest;
import io.etcd.jetcd.api.StatusResponse;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * etcd's {@code Maintenance} service. Status reports the member as its own leader at raft term 1
 * with the applied index, and the fields newer than our stubs (raft applied index 7, db size in
 * use 9) as unknown fields. HashKV hashes the live keys at a revision (CRC32C over keys, values
 * and revisions): equal stores give equal hashes. Snapshot streams {@link LogicalBackup}.
 * Defragment compacts the store's log. Thread-safe.
 */
final class EtcdMaintenanceService extends MaintenanceGrpc.MaintenanceImplBase {
    /** The etcd API version this server speaks, as Status reports it. */
    static final String ETCD_VERSION = "3.5.0";

    private final KvService service;
    private final Headers headers;
    private final Runnable defragment;
    private final Replication replication;

    EtcdMaintenanceService(KvService service, Headers headers, Runnable defragment, Replication replication) {
        this.replication = replication;
        this.service = service;
        this.headers = headers;
        this.defragment = defragment;
    }

    @Override
    public void moveLeader(MoveLeaderRequest request, StreamObserver<MoveLeaderResponse> out) {
        GrpcErrors.async(out, () -> replication.moveLeader(request.getTargetID()).thenApply(v ->
            MoveLeaderResponse.newBuilder().setHeader(headers.current()).build()));
    }

    @Override
    public void status(StatusRequest request, StreamObserver<StatusResponse> out) {
        GrpcErrors.unary(out, () -> {
            NodeStatus s = service.status();
            UnknownFieldSet extra = UnknownFieldSet.newBuilder()
                .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(s.appliedIndex()).build())
                .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(s.dbSizeBytes()).build())
                .build();
            return StatusResponse.newBuilder().setHeader(headers.at(s.revision())).setVersion(ETCD_VERSION)
                .setDbSize(s.dbSizeBytes()).setLeader(s.leader()).setRaftIndex(s.raftIndex())
                .setRaftTerm(s.raftTerm()).setUnknownFields(extra).build();
        });
    }

    @Override
    public void hashKV(HashKVRequest request, StreamObserver<HashKVResponse> out) {
        GrpcErrors.unary(out, () -> {
            long rev = request.getRevision() == 0 ? service.status().revision() : request.getRevision();
            return HashKVResponse.newBuilder().setHeader(headers.at(rev)).setHash(hash(rev))
                .setCompactRevision(service.status().compactedRevision()).build();
        });
    }

    @Override
    public void hash(HashRequest request, StreamObserver<HashResponse> out) {
        GrpcErrors.unary(out, () -> {
            long rev = service.status().revision();
            return HashResponse.newBuilder().setHeader(headers.at(rev)).setHash(hash(rev)).build();
        });
    }

    private int hash(long revision) {
        List<KeyVersion> kvs = service.range(RangeQuery.of(ScanRange.all()).atRevision(revision)).kvs();
        CRC32C crc = new CRC32C();
        for (KeyVersion kv : kvs) {
            crc.update(kv.key().unsafeArray());
            crc.update(kv.value().unsafeArray());
            crc.update(java.nio.ByteBuffer.allocate(24).putLong(kv.createRevision()).putLong(kv.modRevision())
                .putLong(kv.version()).array());
        }
        return (int) crc.getValue();
    }

    @Override
    public void snapshot(SnapshotRequest request, StreamObserver<SnapshotResponse> out) {
        try {
            LogicalBackup.write(service, chunk -> out.onNext(SnapshotResponse.newBuilder()
                .setHeader(headers.current()).setRemainingBytes(chunk.remaining())
                .setBlob(ByteString.copyFrom(chunk.bytes())).build()));
            out.onCompleted();
        } catch (RuntimeException e) {
            out.onError(GrpcErrors.status(e));
        }
    }

    @Override
    public void defragment(DefragmentRequest request, StreamObserver<DefragmentResponse> out) {
        GrpcErrors.unary(out, () -> {
            defragment.run();
            return DefragmentResponse.newBuilder().setHeader(headers.current()).build();
        });
    }

    @Override
    public void alarm(AlarmRequest request, StreamObserver<AlarmResponse> out) {
        GrpcErrors.unary(out, () -> AlarmResponse.newBuilder().setHeader(headers.current()).build());
    }
}
