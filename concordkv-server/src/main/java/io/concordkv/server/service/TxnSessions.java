package io.concordkv.server.service;

import io.concordkv.api.ErrorCode;
import io.concordkv.api.KvException;
import io.concordkv.txn.Transaction;
import io.concordkv.txn.TxnOptions;
import io.concordkv.txn.TxnState;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactive transactions that clients drive over the network, by an unguessable id. A session
 * ends with commit or rollback, and is rolled back when it has been idle past its idle timeout
 * (checked on a named sweeper thread), when its owner (a client connection) goes away
 * ({@link #closeOwner}), or when the MVCC store's own timeout ends it; so an abandoned transaction
 * never keeps its locks. Thread-safe; one call at a time per session (calls on one session are
 * serialised here).
 */
public final class TxnSessions implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TxnSessions.class);

    private static final class Session {
        final String id;
        final Transaction txn;
        final String owner;
        final long idleMillis;
        volatile long lastUsed;
        volatile boolean busy;

        Session(String id, Transaction txn, String owner, long idleMillis, long now) {
            this.id = id;
            this.txn = txn;
            this.owner = owner;
            this.idleMillis = idleMillis;
            this.lastUsed = now;
        }
    }

    /** What a caller does with a session's transaction. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Transaction txn);
    }

    private final KvService service;
    private final InstantSource clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService sweeper;

    public TxnSessions(KvService service, InstantSource clock, Duration sweepInterval) {
        this.service = service;
        this.clock = clock;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "concordkv-txn-sweeper");
            t.setDaemon(true);
            return t;
        });
        long every = sweepInterval.toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    /** Begins a transaction for {@code owner}; returns its session id. */
    public String begin(TxnOptions options, Duration idleTimeout, String owner) {
        Transaction txn = service.begin(options);
        byte[] idBytes = new byte[16];
        random.nextBytes(idBytes);
        String id = HexFormat.of().formatHex(idBytes);
        sessions.put(id, new Session(id, txn, owner, idleTimeout.toMillis(), clock.millis()));
        return id;
    }

    /** The transaction of session {@code id}, e.g. to read its start revision. */
    public Transaction transaction(String id) {
        return session(id).txn;
    }

    private Session session(String id) {
        Session s = sessions.get(id);
        if (s == null) {
            throw new KvException(ErrorCode.NOT_FOUND, "no open transaction " + id
                + " (it may have committed, rolled back, timed out or been idle too long)");
        }
        return s;
    }

    /** Runs {@code work} on session {@code id}'s transaction; the session ends if the transaction did. */
    public <T> T use(String id, Work<T> work) {
        Session s = session(id);
        synchronized (s) {
            s.busy = true;
            try {
                return work.run(s.txn);
            } finally {
                s.busy = false;
                s.lastUsed = clock.millis();
                if (s.txn.state() != TxnState.ACTIVE) {
                    sessions.remove(id, s);
                }
            }
        }
    }

    /** Rolls back every session {@code owner} began (its connection closed). */
    public void closeOwner(String owner) {
        for (Session s : sessions.values()) {
            if (s.owner.equals(owner)) {
                end(s, "its client went away");
            }
        }
    }

    public int open() {
        return sessions.size();
    }

    private void sweep() {
        long now = clock.millis();
        for (Session s : sessions.values()) {
            if (s.txn.state() != TxnState.ACTIVE) {
                sessions.remove(s.id, s);
            } else if (!s.busy && now - s.lastUsed > s.idleMillis) {
                end(s, "it was idle for more than " + s.idleMillis + " ms");
            }
        }
    }

    private void end(Session s, String why) {
        sessions.remove(s.id, s);
        try {
            s.txn.rollback();
            LOG.debug("rolled back transaction {}: {}", s.id, why);
        } catch (RuntimeException e) {
            LOG.debug("transaction {} had already ended: {}", s.id, e.getMessage());
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        sessions.values().forEach(s -> end(s, "the server is stopping"));
    }
}
