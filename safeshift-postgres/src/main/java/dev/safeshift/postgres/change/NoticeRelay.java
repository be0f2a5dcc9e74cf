package dev.safeshift.postgres.change;

import dev.safeshift.postgres.check.ColumnBackfill;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.function.Consumer;

/**
 * Passes the notices a running statement raises on to the terminal as they arrive, so that a long
 * step (a column filled in batches reports its rows every few seconds) shows that it moves. The
 * driver adds each notice to the statement's warnings while the statement still runs; a thread
 * reads them from there.
 */
final class NoticeRelay implements AutoCloseable {

    private static final long POLL_MILLIS = 500;

    private final Statement statement;
    private final Consumer<String> log;
    private final Thread poller;
    private SQLWarning lastSeen;
    private volatile boolean running = true;

    private NoticeRelay(Statement statement, Consumer<String> log) {
        this.statement = statement;
        this.log = log;
        this.poller = new Thread(this::poll, "notices");
        poller.setDaemon(true);
    }

    /** Starts relaying the notices of the next statement {@code statement} executes. */
    static NoticeRelay start(Statement statement, Consumer<String> log) throws SQLException {
        statement.clearWarnings(); // what an earlier statement raised is not this one's
        NoticeRelay relay = new NoticeRelay(statement, log);
        relay.poller.start();
        return relay;
    }

    private void poll() {
        while (running) {
            relayNew();
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private synchronized void relayNew() {
        SQLWarning warning;
        try {
            warning = lastSeen == null ? statement.getWarnings() : lastSeen.getNextWarning();
        } catch (SQLException e) {
            return; // the statement was closed: nothing more to read
        }
        while (warning != null) {
            String message = warning.getMessage();
            log.accept("  " + (message.startsWith(ColumnBackfill.PROGRESS)
                    ? message.substring(ColumnBackfill.PROGRESS.length()) : message));
            lastSeen = warning;
            warning = warning.getNextWarning();
        }
    }

    /** Stops the thread, then passes on what arrived since it last looked. */
    @Override
    public void close() {
        running = false;
        poller.interrupt();
        try {
            poller.join(POLL_MILLIS * 4);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        relayNew();
    }
}
