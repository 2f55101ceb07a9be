package io.concordkv.raft.node;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The cluster's members as the applied log says (conf-change entries carry each member's
 * description). Written by the apply thread, read by anyone: thread-safe.
 */
final class MemberTable {
    private final Map<Long, Member> members = new ConcurrentSkipListMap<>();
    private final java.util.concurrent.atomic.AtomicLong version = new java.util.concurrent.atomic.AtomicLong();

    void put(Member m) {
        members.put(m.id(), m);
        version.incrementAndGet();
    }

    void remove(long id) {
        members.remove(id);
        version.incrementAndGet();
    }

    /** Changes with every put or remove (for callers that cache {@link #all()}). */
    long version() {
        return version.get();
    }

    Optional<Member> get(long id) {
        return Optional.ofNullable(members.get(id));
    }

    List<Member> all() {
        return List.copyOf(members.values());
    }

    void write(DataOutputStream out) throws IOException {
        List<Member> all = new ArrayList<>(members.values());
        out.writeInt(all.size());
        for (Member m : all) {
            m.write(out);
        }
    }

    /** Replaces the table with the one {@code in} holds. */
    List<Member> read(DataInputStream in) throws IOException {
        members.clear();
        version.incrementAndGet();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            put(Member.read(in));
        }
        return all();
    }
}
