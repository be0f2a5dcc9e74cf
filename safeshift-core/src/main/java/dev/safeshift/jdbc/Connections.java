package dev.safeshift.jdbc;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.Redaction;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Properties;

/**
 * Opens JDBC connections and turns the ways that can fail into messages a person can act on.
 * Core names no driver: whichever driver on the class path accepts the URL is used.
 */
public final class Connections {

    private Connections() {
    }

    /**
     * Connects to {@code endpoint}.
     *
     * @param role what the database is to the user ("source", "target", "control store"); it
     *             names the database in messages and the plan section the user should check
     * @throws SafeshiftException of kind {@link SafeshiftException.Kind#UNREACHABLE} when the
     *             connection cannot be made; the message never contains a password
     */
    public static Connection open(Endpoint endpoint, String role) {
        return open(endpoint, role, new Properties());
    }

    /**
     * As {@link #open(Endpoint, String)}, with driver properties of the caller's own (such as a
     * replication mode or an application name) added to the endpoint's user and password.
     */
    public static Connection open(Endpoint endpoint, String role, Properties driverProperties) {
        Properties properties = new Properties();
        properties.putAll(driverProperties);
        if (endpoint.user() != null) {
            properties.setProperty("user", endpoint.user());
        }
        endpoint.password().ifPresent(password -> properties.setProperty("password", password));
        try {
            return DriverManager.getConnection(endpoint.url(), properties);
        } catch (SQLException e) {
            // The driver's own message may quote the full URL (with an inline password), so the
            // cause is kept for the log file but never copied into the message.
            throw new SafeshiftException(SafeshiftException.Kind.UNREACHABLE, describe(endpoint, role, e), e);
        }
    }

    /** The message for a failed connection attempt; see {@link #open}. */
    static String describe(Endpoint endpoint, String role, SQLException failure) {
        String url = endpoint.redactedUrl();
        String key = planKey(role);
        String state = failure.getSQLState() == null ? "" : failure.getSQLState();
        Throwable network = networkCause(failure);
        // DriverManager reports a missing driver with SQLState 08001 too, so it is checked first.
        if (isNoSuitableDriver(failure)) {
            return "no JDBC driver on the class path accepts the " + role + " URL " + url
                    + ". Check the URL's prefix in the plan's " + key + ".url (e.g. jdbc:postgresql://host:5432/db).";
        }
        if (network instanceof UnknownHostException) {
            return "cannot reach the " + role + " database at " + hostAndPort(endpoint)
                    + " (unknown host). Check the host name in the plan's " + key + ".url.";
        }
        if (network != null) {
            return "cannot reach the " + role + " database at " + hostAndPort(endpoint)
                    + " (" + networkReason(network) + "). Check host and port in the plan's " + key
                    + ".url, and that the server is running.";
        }
        if (state.equals("28P01")) {
            return "the " + role + " database rejected user '" + endpoint.user() + "' (authentication failed). Check "
                    + key + ".user and " + passwordHint(endpoint, key) + ".";
        }
        if (state.equals("28000")) {
            // Servers use 28000 both for a wrong password and for rules that refuse the user or host.
            return "the " + role + " database rejected user '" + endpoint.user() + "' (access denied). Check "
                    + key + ".user, " + passwordHint(endpoint, key)
                    + ", and that the server lets this user connect from this host.";
        }
        if (state.equals("08004") && mentionsPassword(failure)) {
            return "the " + role + " database asked for a password for user '" + endpoint.user()
                    + "' but none was given. Set " + passwordHint(endpoint, key) + ".";
        }
        if (state.equals("3D000")) {
            return "the " + role + " database " + databaseName(endpoint) + " does not exist on " + hostAndPort(endpoint)
                    + ". Create it, or fix the database name in the plan's " + key + ".url.";
        }
        if (state.startsWith("08")) {
            return "cannot reach the " + role + " database at " + hostAndPort(endpoint)
                    + " (the connection attempt failed). Check host and port in the plan's " + key
                    + ".url, and that the server is running.";
        }
        return "cannot connect to the " + role + " database at " + url + " (" + driverDetail(endpoint, failure)
                + (state.isEmpty() ? "" : ", SQLState " + state) + ").";
    }

    /** The plan section a role is configured in: "control store" lives under {@code control}. */
    static String planKey(String role) {
        String first = role.trim().split("\\s+")[0];
        return first.toLowerCase(Locale.ROOT);
    }

    private static String passwordHint(Endpoint endpoint, String key) {
        return endpoint.passwordVariable()
                .map(variable -> "the environment variable " + variable + " (named in " + key + ".password)")
                .orElse("the environment variable named in " + key + ".password");
    }

    private static boolean isNoSuitableDriver(SQLException failure) {
        String message = failure.getMessage();
        return failure.getCause() == null && message != null && message.startsWith("No suitable driver");
    }

    private static boolean mentionsPassword(SQLException failure) {
        String message = failure.getMessage();
        return message != null && message.toLowerCase(Locale.ROOT).contains("password");
    }

    private static Throwable networkCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof NoRouteToHostException || t instanceof SocketTimeoutException) {
                return t;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static String networkReason(Throwable network) {
        if (network instanceof SocketTimeoutException) {
            return "timed out";
        }
        if (network instanceof NoRouteToHostException) {
            return "no route to host";
        }
        return "connection refused";
    }

    /** "host:port" from a {@code jdbc:<vendor>://host:port/...} URL, else the redacted URL. */
    static String hostAndPort(Endpoint endpoint) {
        String url = endpoint.redactedUrl();
        int scheme = url.indexOf("://");
        if (!url.startsWith("jdbc:") || scheme < 0) {
            return url;
        }
        try {
            URI uri = URI.create("db" + url.substring(scheme));
            if (uri.getHost() == null) {
                return url;
            }
            return uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        } catch (IllegalArgumentException e) {
            return url;
        }
    }

    /** The database part of the URL's path, quoted, or "named in <url>" when there is none. */
    private static String databaseName(Endpoint endpoint) {
        String url = endpoint.redactedUrl();
        int scheme = url.indexOf("://");
        if (scheme >= 0) {
            try {
                String path = URI.create("db" + url.substring(scheme)).getPath();
                if (path != null && path.length() > 1) {
                    return "'" + path.substring(1) + "'";
                }
            } catch (IllegalArgumentException e) {
                // fall through to the whole URL
            }
        }
        return "named in " + url;
    }

    /** The first line of the driver's message, with anything that could be a password removed. */
    private static String driverDetail(Endpoint endpoint, SQLException failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return "no detail from the driver";
        }
        int newline = message.indexOf('\n');
        String line = Redaction.redactUrl(newline < 0 ? message : message.substring(0, newline));
        String password = endpoint.password().orElse("");
        return password.isEmpty() ? line : line.replace(password, "***");
    }
}
