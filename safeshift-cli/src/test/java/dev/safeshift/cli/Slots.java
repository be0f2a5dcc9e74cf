package dev.safeshift.cli;

import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Replication slots that tests leave behind: the shared test server has only a few, so a test that
 * creates migrations drops their slots when it is done. A stopped daemon's slot is released a moment
 * after the daemon ends.
 */
final class Slots implements AutoCloseable {

    private final List<Endpoint> sources = new ArrayList<>();

    /** Remembers a source database whose slots are dropped on {@link #close()}. */
    Endpoint source(Endpoint endpoint) {
        sources.add(endpoint);
        return endpoint;
    }

    @Override
    public void close() throws SQLException, InterruptedException {
        for (Endpoint source : sources) {
            long deadline = System.nanoTime() + 30_000_000_000L;
            try (Connection connection = EmbeddedPostgres.connect(source); Statement statement = connection.createStatement()) {
                while (true) {
                    statement.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                            + " WHERE NOT active AND database = current_database()");
                    try (ResultSet left = statement.executeQuery(
                            "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()")) {
                        left.next();
                        if (left.getLong(1) == 0 || System.nanoTime() > deadline) {
                            break;
                        }
                    }
                    Thread.sleep(200);
                }
            }
        }
        sources.clear();
    }
}
