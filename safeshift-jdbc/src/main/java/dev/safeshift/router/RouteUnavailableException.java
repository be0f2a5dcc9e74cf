package dev.safeshift.router;

import java.sql.SQLTransientConnectionException;

/**
 * No connection was handed out because the router could not let a new transaction through in time:
 * the migration held new transactions while it switched databases, or the route could not be read
 * from the control store. Nothing was sent to either database; the transaction can be retried.
 */
public final class RouteUnavailableException extends SQLTransientConnectionException {

    private static final long serialVersionUID = 1L;

    /** SQLState of "unable to establish a connection", which pools and retry layers understand. */
    static final String SQL_STATE = "08001";

    RouteUnavailableException(String message) {
        super(message, SQL_STATE);
    }
}
