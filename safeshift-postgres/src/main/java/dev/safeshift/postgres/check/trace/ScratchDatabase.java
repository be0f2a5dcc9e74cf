package dev.safeshift.postgres.check.trace;

import dev.safeshift.SafeshiftException;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.Sql;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fresh database on a scratch PostgreSQL server holding empty copies of source tables, for
 * {@link LockTracer} to run a schema change on. The source is only read. Closing drops the
 * database.
 *
 * <p>The database is made from template0 (nothing the scratch server's administrator added to
 * template1 comes along) with the source database's encoding, and is marked by a comment that the
 * tracer checks before it applies anything.
 */
public final class ScratchDatabase implements AutoCloseable {

    private static final Pattern URL = Pattern.compile("^(jdbc:postgresql://[^/?]*)(/[^?]*)?(\\?.*)?$");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Endpoint server;
    private final String name;
    private final Endpoint endpoint;
    private final List<String> notes;

    private ScratchDatabase(Endpoint server, String name, Endpoint endpoint, List<String> notes) {
        this.server = server;
        this.name = name;
        this.endpoint = endpoint;
        this.notes = List.copyOf(notes);
    }

    /**
     * Creates the scratch database on {@code scratchServer} (whose user may CREATE DATABASE; its URL
     * names any database to connect to first) and copies the definitions of {@code tables} from
     * {@code source} into it.
     *
     * @throws SafeshiftException when a table cannot be traced faithfully (partitioned tables, for
     *                            one) or cannot be copied; nothing is left behind then
     */
    public static ScratchDatabase create(Endpoint source, Endpoint scratchServer, List<QualifiedName> tables) {
        return create(source, scratchServer, tables, "trace");
    }

    /**
     * As {@link #create(Endpoint, Endpoint, List)}, for {@code purpose} ("trace", "rehearse"), which
     * names the database and its comment.
     */
    public static ScratchDatabase create(Endpoint source, Endpoint scratchServer, List<QualifiedName> tables,
                                         String purpose) {
        String name = "safeshift_" + purpose + "_" + HexFormat.of().formatHex(randomBytes());
        Endpoint endpoint = new Endpoint(databaseUrl(scratchServer.url(), name), scratchServer.user(),
                scratchServer.passwordVariable(), scratchServer.password());
        String encoding;
        try (Connection from = Connections.open(source, "source")) {
            SourceTables.refuseUntraceable(from, tables);
            encoding = SourceTables.encoding(from);
        } catch (SQLException e) {
            throw failure("reading the source tables", e);
        }
        try (Connection to = Connections.open(scratchServer, "scratch"); Statement statement = to.createStatement()) {
            statement.execute("CREATE DATABASE " + Sql.ident(name) + " TEMPLATE template0 ENCODING " + Sql.literal(encoding));
            statement.execute("COMMENT ON DATABASE " + Sql.ident(name) + " IS "
                    + Sql.literal(LockTracer.SCRATCH_MARK + " for a " + purpose + ", dropped when it ends"));
        } catch (SQLException e) {
            throw failure("creating the scratch database " + name, e);
        }
        ScratchDatabase scratch = new ScratchDatabase(scratchServer, name, endpoint, List.of());
        try {
            return new ScratchDatabase(scratchServer, name, endpoint, DefinitionCopy.copy(source, endpoint, tables));
        } catch (SQLException | RuntimeException e) {
            try {
                scratch.close();
            } catch (RuntimeException dropFailed) {
                e.addSuppressed(dropFailed);
            }
            if (e instanceof SQLException sql) {
                throw failure("copying the tables into the scratch database " + name, sql);
            }
            throw (RuntimeException) e;
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** {@code url} with its database replaced by {@code database}, its host, port and parameters kept. */
    static String databaseUrl(String url, String database) {
        Matcher matcher = URL.matcher(url);
        if (!matcher.matches()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "the scratch server's URL must have the form "
                    + "jdbc:postgresql://host:port/database, so that a database of its own can be made there; it is "
                    + Endpoint.of(url, null).redactedUrl());
        }
        return matcher.group(1) + "/" + database + (matcher.group(3) == null ? "" : matcher.group(3));
    }

    /**
     * Scratch databases for {@code purpose} on {@code server} that nobody is connected to: left by a
     * run that was killed before it could drop them. They are not dropped here (one may be a
     * database another run has just made), only named, since they may hold sampled rows.
     */
    public static List<String> leftovers(Endpoint server, String purpose) {
        try (Connection connection = Connections.open(server, "scratch");
             PreparedStatement statement = connection.prepareStatement("SELECT d.datname FROM pg_database d "
                     + "WHERE d.datname LIKE ? AND shobj_description(d.oid, 'pg_database') LIKE ? "
                     + "AND NOT EXISTS (SELECT 1 FROM pg_stat_activity a WHERE a.datname = d.datname) ORDER BY 1")) {
            statement.setString(1, "safeshift\\_" + purpose + "\\_%");
            statement.setString(2, LockTracer.SCRATCH_MARK + "%");
            List<String> names = new ArrayList<>();
            try (var rows = statement.executeQuery()) {
                while (rows.next()) {
                    names.add(rows.getString(1));
                }
            }
            return names;
        } catch (SQLException e) {
            throw failure("looking for scratch databases left behind", e);
        }
    }

    /** The database's name: {@code safeshift_}, the purpose, {@code _} and twelve random hex digits. */
    public String name() {
        return name;
    }

    /** Where to connect to the scratch database: the scratch server's URL and user with the database replaced. */
    public Endpoint endpoint() {
        return endpoint;
    }

    /** A new connection to the scratch database, for {@link LockTracer}. */
    public Connection connect() {
        return Connections.open(endpoint, "scratch");
    }

    /** What the copy left out and why: foreign keys to tables that were not copied, extensions the scratch server lacks. */
    public List<String> notes() {
        return notes;
    }

    /**
     * Drops the database. Connections still open to it are ended first: the server refuses to drop
     * a database anyone is connected to. A backend takes a moment to go after it is told to, so the
     * drop is tried again while the server says the database is still in use.
     */
    @Override
    public void close() {
        try (Connection to = Connections.open(server, "scratch")) {
            for (int attempt = 1; ; attempt++) {
                try (PreparedStatement terminate = to.prepareStatement("SELECT pg_terminate_backend(pid) "
                        + "FROM pg_stat_activity WHERE datname = ? AND pid <> pg_backend_pid()");
                     Statement statement = to.createStatement()) {
                    terminate.setString(1, name);
                    terminate.executeQuery().close();
                    statement.execute("DROP DATABASE IF EXISTS " + Sql.ident(name));
                    return;
                } catch (SQLException e) {
                    if (!"55006".equals(e.getSQLState()) || attempt == 50) {
                        throw e;
                    }
                    Thread.sleep(100);
                }
            }
        } catch (SQLException e) {
            throw failure("dropping the scratch database " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SafeshiftException(SafeshiftException.Kind.INTERNAL, "interrupted while dropping the scratch "
                    + "database " + name + "; drop it by hand: DROP DATABASE " + Sql.ident(name), e);
        }
    }

    private static SafeshiftException failure(String doing, SQLException e) {
        return new SafeshiftException(SafeshiftException.Kind.INTERNAL,
                "PostgreSQL failed while " + doing + ": " + LockTracer.message(e), e);
    }
}
