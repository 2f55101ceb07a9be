package io.concordkv.server.cluster;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.raft.node.Member;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Parses etcd-style {@code --initial-cluster n1=host:port,n2=http://host:port,...} into members. */
public final class InitialCluster {
    private InitialCluster() {
    }

    /** A member's id: derived from its peer address, so MemberAdd (which knows only that) agrees with the member. */
    public static long memberId(InetSocketAddress peer) {
        return Member.idOf(peer.getHostString() + ":" + peer.getPort());
    }

    /** Parses one peer URL ({@code http://host:port} or {@code host:port}). */
    public static InetSocketAddress peerAddress(String url) {
        String addr = url.trim().replaceFirst("^https?://", "");
        int colon = addr.lastIndexOf(':');
        if (colon <= 0 || !addr.substring(colon + 1).matches("\\d{1,5}")) {
            throw new KvException(ErrorCode.INVALID_ARGUMENT, "bad peer URL '" + url + "'");
        }
        return new InetSocketAddress(addr.substring(0, colon), Integer.parseInt(addr.substring(colon + 1)));
    }

    public static List<Member> parse(String spec) {
        List<Member> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "initial-cluster entries are name=host:port, got '"
                    + p + "'");
            }
            String name = p.substring(0, eq);
            if (!names.add(name)) {
                throw new KvException(ErrorCode.INVALID_ARGUMENT, "member " + name + " listed twice in initial-cluster");
            }
            InetSocketAddress peer = peerAddress(p.substring(eq + 1));
            out.add(new Member(memberId(peer), name, peer, "", false));
        }
        return out;
    }
}
