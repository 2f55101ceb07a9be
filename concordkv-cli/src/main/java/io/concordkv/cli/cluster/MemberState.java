package io.concordkv.cli.cluster;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.nio.file.Path;
import java.util.List;

/**
 * One member of a local cluster as {@code cluster.json} records it.
 *
 * @param name member name ({@code n1}, {@code n2}, ...)
 * @param pid its process id; 0 before it was first started
 * @param startedAt when that process started, epoch milliseconds (0 if unknown): a process with the
 *     same pid but a different start time is not this member
 * @param host the address every port listens on
 * @param clientPort etcd gRPC port ({@code --listen-client})
 * @param peerPort Raft peer port ({@code --listen-peer})
 * @param httpPort REST/admin port ({@code --listen-http})
 * @param dataDir its data directory
 * @param logFile its log file ({@code --log-file})
 * @param outFile where its standard output and error go (what it prints before its log is set up)
 * @param command its whole command line, java first, as started and restarted
 */
@JsonIgnoreProperties(ignoreUnknown = true)
record MemberState(String name, long pid, long startedAt, String host, int clientPort, int peerPort,
                   int httpPort, String dataDir, String logFile, String outFile, List<String> command) {
    MemberState {
        command = List.copyOf(command);
    }

    /** The same member run by another process. */
    MemberState withProcess(long newPid, long newStartedAt) {
        return new MemberState(name, newPid, newStartedAt, host, clientPort, peerPort, httpPort, dataDir, logFile,
            outFile, command);
    }

    /** {@code host:clientPort}: where etcd clients connect. */
    String clientEndpoint() {
        return host + ":" + clientPort;
    }

    String peerAddress() {
        return host + ":" + peerPort;
    }

    String httpAddress() {
        return host + ":" + httpPort;
    }

    Path log() {
        return Path.of(logFile);
    }

    Path out() {
        return Path.of(outFile);
    }
}
