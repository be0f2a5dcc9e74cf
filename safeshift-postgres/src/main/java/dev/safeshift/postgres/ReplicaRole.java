package dev.safeshift.postgres;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes into the target as PostgreSQL's own logical replication does, with
 * {@code session_replication_role = replica}: the target's triggers and foreign-key checks do not
 * fire for rows that come from the source. The source already enforced its foreign keys, but
 * Safeshift writes a source transaction's changes in its own way (a key change as a delete and an
 * insert; chunks in parallel; after a restart, chunks from different snapshots), which a foreign
 * key on the target could reject midway although the source's transaction was consistent.
 * Setting it needs a superuser, or (PostgreSQL 15+) {@code GRANT SET ON PARAMETER
 * session_replication_role}; without that, the session writes as an ordinary one.
 */
public final class ReplicaRole {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRole.class);
    private static final String INSUFFICIENT_PRIVILEGE = "42501";

    private ReplicaRole() {
    }

    /**
     * Switches the session to replica mode if the user may; returns whether it did. Call outside a
     * transaction (in autocommit mode), so that a refusal does not abort one.
     */
    public static boolean apply(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            // source tables closed after a switch let this session's writes through (SourceClosure),
            // which a stream in the reverse direction needs when the role cannot be set
            statement.execute("SET safeshift.apply = on");
        }
        try (Statement statement = connection.createStatement()) {
            statement.execute("SET session_replication_role = replica");
            return true;
        } catch (SQLException e) {
            if (!INSUFFICIENT_PRIVILEGE.equals(e.getSQLState())) {
                throw e;
            }
            LOG.debug("the target user may not set session_replication_role; foreign keys and triggers of the target "
                    + "fire for copied and streamed rows");
            return false;
        }
    }
}
