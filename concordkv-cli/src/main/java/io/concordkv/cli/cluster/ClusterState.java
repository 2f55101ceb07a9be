package io.concordkv.cli.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The state file {@code DIR/cluster.json} of a local cluster: its members, their processes, ports
 * and files. Replaced whole (written to {@code cluster.json.tmp}, then renamed over it), so a reader
 * sees the old or the new file, never a torn one; two commands changing it at once may lose one's
 * change (the last rename wins).
 *
 * @param format version of this file's layout ({@value #FORMAT})
 * @param members the members in order n1, n2, ...
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record ClusterState(int format, List<MemberState> members) {
    static final String FILE = "cluster.json";
    static final int FORMAT = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    ClusterState {
        members = List.copyOf(members);
    }

    static ClusterState of(List<MemberState> members) {
        return new ClusterState(FORMAT, members);
    }

    /** The cluster recorded in {@code dir}, if there is one. */
    static Optional<ClusterState> read(Path dir) {
        Path file = dir.resolve(FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try {
            ClusterState state = JSON.readValue(file.toFile(), ClusterState.class);
            if (state.format() != FORMAT) {
                throw new KvException(ErrorCode.UNSUPPORTED, file + " has format " + state.format()
                    + ", this version reads " + FORMAT);
            }
            return Optional.of(state);
        } catch (IOException e) {
            throw new KvException(ErrorCode.CORRUPTION, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /** The cluster recorded in {@code dir}; NOT_FOUND if there is none. */
    static ClusterState require(Path dir) {
        return read(dir).orElseThrow(() -> new KvException(ErrorCode.NOT_FOUND,
            "no cluster in " + dir + " (no " + FILE + "; start one with 'concordkv cluster start')"));
    }

    /** Writes this state to {@code dir/cluster.json}, replacing the file atomically. */
    void write(Path dir) {
        Path tmp = dir.resolve(FILE + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
    }

    /** The member called {@code name}; NOT_FOUND naming the members there are. */
    MemberState member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst()
            .orElseThrow(() -> new KvException(ErrorCode.NOT_FOUND, "no member " + name + "; the members are "
                + members.stream().map(MemberState::name).toList()));
    }

    /** This state with the member of the same name replaced by {@code updated}. */
    ClusterState with(MemberState updated) {
        List<MemberState> list = new ArrayList<>(members);
        list.replaceAll(m -> m.name().equals(updated.name()) ? updated : m);
        return new ClusterState(format, list);
    }
}
