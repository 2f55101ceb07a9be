package io.concordkv.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.UnknownFieldSet;
import io.etcd.jetcd.api.StatusResponse;
import org.junit.jupiter.api.Test;

/** Reading etcd's {@code raft_applied_index}, a field newer than the generated stubs. */
class StatusAppliedIndexTest {
    @Test
    void readsTheAppliedIndexFromFieldSeven() {
        UnknownFieldSet extra = UnknownFieldSet.newBuilder()
            .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(42).build())
            .addField(9, UnknownFieldSet.Field.newBuilder().addVarint(4096).build())
            .build();
        StatusResponse r = StatusResponse.newBuilder().setRaftIndex(43).setUnknownFields(extra).build();

        assertThat(GrpcClusterClient.appliedIndex(r)).isEqualTo(42);
    }

    @Test
    void survivesTheWireAndIsZeroWhenAbsent() throws Exception {
        UnknownFieldSet extra = UnknownFieldSet.newBuilder()
            .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(7).build()).build();
        byte[] wire = StatusResponse.newBuilder().setUnknownFields(extra).build().toByteArray();

        assertThat(GrpcClusterClient.appliedIndex(StatusResponse.parseFrom(wire))).isEqualTo(7);
        assertThat(GrpcClusterClient.appliedIndex(StatusResponse.getDefaultInstance())).isZero();
    }
}
