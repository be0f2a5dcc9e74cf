package dev.safeshift.router;

import java.sql.Connection;

/** A connection handed out by a {@link RoutingDataSource}: it says which database it went to. */
public interface RoutedConnection extends Connection {

    /** {@link Route#SOURCE} or {@link Route#TARGET}: where this connection's transactions run. */
    Route side();
}
