package dev.safeshift.postgres.pgbouncer;

import dev.safeshift.SafeshiftException;
import dev.safeshift.cutover.TrafficSwitch;
import dev.safeshift.engine.Side;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.PgBouncerSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch of an application that connects through PgBouncer: one database entry of its
 * configuration is pointed at the source or the target.
 * <ul>
 *   <li>A hold first starts a {@link PauseGuard}, which resumes PgBouncer should the daemon die
 *       while it is paused, then runs {@code PAUSE <db>} on the admin console: PgBouncer holds new transactions and
 *       returns once every server connection of the entry is released (in transaction pooling, once
 *       running transactions end). When that does not happen by the deadline the waiting command is
 *       abandoned and the entry resumed at once, and the hold reports that it did not drain (so unlike
 *       the {@link TrafficSwitch} contract says in general, traffic is let go before {@link #release};
 *       the release that follows finds it running, which is harmless).</li>
 *   <li>A release rewrites the entry's host, port and dbname in the configuration file (a new file
 *       renamed over the old one, every other byte kept), runs {@code RELOAD}, and {@code RESUME <db>}
 *       in any case, and disarms the guard once the resume succeeded. Resuming an entry that is not
 *       paused is fine, so a release can always be called again: a daemon restarted after one that
 *       died mid-switch releases it too ({@link dev.safeshift.cutover.CutoverRecovery}).</li>
 * </ul>
 * The admin console speaks only the simple query protocol; {@link AdminConsole} speaks it.
 */
public final class PgBouncerSwitch implements TrafficSwitch {

    private static final Logger LOG = LoggerFactory.getLogger(PgBouncerSwitch.class);
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Long enough for a RELOAD of a large configuration; the admin console answers at once otherwise. */
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(30);
    /**
     * How long past the hold's deadline a guard waits before it resumes PgBouncer itself: by then a
     * live daemon has switched or given up, and released.
     */
    static final Duration GUARD_MARGIN = Duration.ofSeconds(10);

    private final PgBouncerSettings settings;
    private final Endpoint source;
    private final Endpoint target;
    /** The guard of the pause under way, until a release resumes PgBouncer. */
    private PauseGuard guard;

    public PgBouncerSwitch(PgBouncerSettings settings, Endpoint source, Endpoint target) {
        this.settings = settings;
        this.source = source;
        this.target = target;
    }

    @Override
    public String kind() {
        return "pgbouncer";
    }

    @Override
    public List<String> problems() {
        List<String> problems = new ArrayList<>();
        String database = settings.database();
        Path config = settings.config();
        for (Endpoint side : List.of(source, target)) {
            try {
                Address.of(side);
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
        if (!Files.isRegularFile(config)) {
            problems.add("the PgBouncer configuration file " + config + " (cutover.pgbouncer.config) does not exist"
                    + " or is not a regular file");
        } else {
            try {
                Optional<PgBouncerConfig.Entry> entry = PgBouncerConfig.read(config, database);
                if (entry.isEmpty()) {
                    problems.add("the PgBouncer configuration file " + config + " has no entry " + database
                            + " in its [databases] section (cutover.pgbouncer.database)");
                } else if (problems.isEmpty() && pointsAt(entry.get()).isEmpty()) {
                    problems.add("the PgBouncer entry " + database + " in " + config + " points at neither the"
                            + " source (" + Address.of(source) + ") nor the target (" + Address.of(target) + "): "
                            + describe(entry.get()));
                }
            } catch (IOException e) {
                problems.add("the PgBouncer configuration file " + config + " cannot be read: " + e.getMessage());
            }
            if (!Files.isWritable(config)) {
                problems.add("the PgBouncer configuration file " + config + " is not writable by the daemon");
            }
            Path directory = config.toAbsolutePath().getParent();
            if (directory == null || !Files.isWritable(directory)) {
                problems.add("the directory of the PgBouncer configuration file " + config + " is not writable by"
                        + " the daemon, which replaces the file in one rename");
            }
        }
        try (AdminConsole admin = connect(COMMAND_TIMEOUT)) {
            if (showDatabase(admin).isEmpty()) {
                problems.add("PgBouncer's admin console at " + settings.admin().redactedUrl() + " lists no database "
                        + database + " (SHOW DATABASES)");
            }
        } catch (SQLException e) {
            problems.add("PgBouncer's admin console at " + settings.admin().redactedUrl() + " cannot be reached as "
                    + settings.admin().user() + ": " + e.getMessage());
        }
        return problems;
    }

    @Override
    public synchronized Drain hold(Side from, Instant deadline) throws InterruptedException {
        disarmGuard();
        guard = PauseGuard.start(settings.admin(), settings.database(), deadline.plus(GUARD_MARGIN));
        AdminConsole pausing;
        try {
            pausing = connect(Duration.ZERO);
        } catch (SQLException e) {
            throw unreachable("pause", e);
        }
        ExecutorService waiter = Executors.newSingleThreadExecutor(runnable -> {
            Thread thread = new Thread(runnable, "safeshift-pgbouncer-pause");
            thread.setDaemon(true);
            return thread;
        });
        boolean keep = false;
        try {
            Future<?> pause = waiter.submit(() -> {
                pausing.execute("PAUSE " + settings.database());
                return null;
            });
            long waitMillis = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
            try {
                pause.get(waitMillis, TimeUnit.MILLISECONDS);
                keep = true;
                return new Drain(true, "PgBouncer paused " + settings.database() + ": no server connection left in use"
                        + " on the " + side(from));
            } catch (TimeoutException e) {
                pausing.abort();
                String inUse = activeServers().map(n -> n + " server connection(s)").orElse("server connections");
                resume();
                disarmGuard();
                return new Drain(false, "PgBouncer's " + settings.database() + " still had " + inUse + " in a"
                        + " transaction on the " + side(from) + " when the deadline passed; it was resumed");
            } catch (ExecutionException e) {
                pausing.abort();
                resumeQuietly();
                Throwable cause = e.getCause();
                throw new SafeshiftException(SafeshiftException.Kind.STATE, "PgBouncer refused PAUSE "
                        + settings.database() + ": " + cause.getMessage(), cause);
            } catch (InterruptedException e) {
                pausing.abort();
                throw e;
            }
        } finally {
            waiter.shutdownNow();
            if (keep) {
                pausing.close();
            }
        }
    }

    @Override
    public synchronized void release(Side to) {
        Address address = Address.of(to == Side.SOURCE ? source : target);
        RuntimeException failure = null;
        boolean changed = false;
        try {
            changed = PgBouncerConfig.write(settings.config(), settings.database(), address.host(), address.port(),
                    address.dbname());
        } catch (IOException | RuntimeException e) {
            failure = new SafeshiftException(SafeshiftException.Kind.STATE, "the PgBouncer entry "
                    + settings.database() + " in " + settings.config() + " could not be pointed at the " + side(to)
                    + ": " + e.getMessage(), e);
        }
        try (AdminConsole admin = connect(COMMAND_TIMEOUT)) {
            if (failure == null) {
                try {
                    admin.execute("RELOAD");
                    Optional<String> now = showDatabase(admin);
                    String wanted = address.host() + ":" + address.port() + "/" + address.dbname();
                    if (now.isPresent() && !now.get().equals(wanted)) {
                        failure = new SafeshiftException(SafeshiftException.Kind.STATE, "PgBouncer reloaded "
                                + settings.config() + ", but its entry " + settings.database() + " points at "
                                + now.get() + ", not at the " + side(to) + " (" + wanted + ")");
                    }
                } catch (SQLException e) {
                    failure = new SafeshiftException(SafeshiftException.Kind.STATE, "PgBouncer's RELOAD failed after"
                            + " the entry " + settings.database() + " was pointed at the " + side(to) + ": "
                            + e.getMessage(), e);
                }
            }
            resume(admin);
            disarmGuard();
        } catch (SQLException e) {
            SafeshiftException unreachable = unreachable("resume", e);
            if (failure != null) {
                unreachable.addSuppressed(failure);
            }
            throw unreachable;
        }
        if (failure != null) {
            throw failure;
        }
        LOG.info("PgBouncer entry {} points at the {} ({}){}", settings.database(), side(to), address,
                changed ? "" : ", as it already did");
    }

    /** Runs RESUME on the entry; one that is not paused is fine. */
    private void resume(AdminConsole admin) throws SQLException {
        try {
            admin.execute("RESUME " + settings.database());
        } catch (SQLException e) {
            if (e.getMessage() == null || !e.getMessage().contains("is not paused")) {
                throw e;
            }
        }
    }

    private void resume() {
        try (AdminConsole admin = connect(COMMAND_TIMEOUT)) {
            resume(admin);
        } catch (SQLException e) {
            throw unreachable("resume", e);
        }
    }

    private void resumeQuietly() {
        try {
            resume();
            disarmGuard();
        } catch (RuntimeException e) {
            LOG.warn("resuming PgBouncer's {} failed", settings.database(), e);
        }
    }

    /** Stops the guard of a pause that is over; a guard left running would resume PgBouncer later. */
    private void disarmGuard() {
        if (guard != null) {
            guard.disarm();
            guard = null;
        }
    }

    /** The number of server connections of the entry in use now, if the console says. */
    private Optional<Long> activeServers() {
        try (AdminConsole admin = connect(COMMAND_TIMEOUT)) {
            long active = 0;
            for (Map<String, String> pool : admin.execute("SHOW POOLS")) {
                if (settings.database().equals(pool.get("database"))) {
                    active += Long.parseLong(pool.getOrDefault("sv_active", "0"));
                }
            }
            return Optional.of(active);
        } catch (SQLException e) {
            return Optional.empty();
        }
    }

    /** Where PgBouncer's entry points now, as host:port/dbname, if it lists the entry. */
    private Optional<String> showDatabase(AdminConsole admin) throws SQLException {
        for (Map<String, String> database : admin.execute("SHOW DATABASES")) {
            if (settings.database().equals(database.get("name"))) {
                return Optional.of(database.get("host") + ":" + database.get("port") + "/" + database.get("database"));
            }
        }
        return Optional.empty();
    }

    private Optional<Side> pointsAt(PgBouncerConfig.Entry entry) {
        for (Side side : Side.values()) {
            Address address = Address.of(side == Side.SOURCE ? source : target);
            if (entry.get("host").orElse("").equals(address.host())
                    && entry.get("port").orElse("5432").equals(Integer.toString(address.port()))
                    && entry.get("dbname").orElse(settings.database()).equals(address.dbname())) {
                return Optional.of(side);
            }
        }
        return Optional.empty();
    }

    private static String describe(PgBouncerConfig.Entry entry) {
        return "host=" + entry.get("host").orElse("(none)") + " port=" + entry.get("port").orElse("(none)")
                + " dbname=" + entry.get("dbname").orElse("(none)");
    }

    /** @param commandTimeout how long a command may take before the connection is given up; zero for no limit */
    private AdminConsole connect(Duration commandTimeout) throws SQLException {
        return AdminConsole.open(settings.admin(), CONNECT_TIMEOUT, commandTimeout);
    }

    private SafeshiftException unreachable(String what, SQLException e) {
        return new SafeshiftException(SafeshiftException.Kind.UNREACHABLE, "could not " + what + " PgBouncer's "
                + settings.database() + " through its admin console at " + settings.admin().redactedUrl() + ": "
                + e.getMessage(), e);
    }

    private static String side(Side side) {
        return side.name().toLowerCase(Locale.ROOT);
    }

    /** A database as PgBouncer's entry names it, taken from the plan's JDBC URL. */
    record Address(String host, int port, String dbname) {

        static Address of(Endpoint endpoint) {
            Properties parsed = Driver.parseURL(endpoint.url(), new Properties());
            if (parsed == null) {
                throw new IllegalArgumentException("the URL " + endpoint.redactedUrl() + " is not a PostgreSQL URL,"
                        + " so the PgBouncer entry cannot be pointed at it");
            }
            String host = parsed.getProperty("PGHOST", "");
            String port = parsed.getProperty("PGPORT", "5432");
            if (host.contains(",")) {
                throw new IllegalArgumentException("the URL " + endpoint.redactedUrl() + " names several hosts; the"
                        + " PgBouncer switch points its entry at one host, so give the source and target one each");
            }
            return new Address(host, Integer.parseInt(port), parsed.getProperty("PGDBNAME", ""));
        }

        @Override
        public String toString() {
            return host + ":" + port + "/" + dbname;
        }
    }
}
