package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.engine.Checksum;
import dev.safeshift.engine.ColumnDifference;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.RowDigest;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.TableSpec;
import dev.safeshift.testing.EmbeddedPostgres;
import dev.safeshift.verify.RowDifference;
import dev.safeshift.verify.RowDifference.Kind;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.Verifier;
import dev.safeshift.verify.VerifyListener;
import dev.safeshift.verify.VerifySettings;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.DoubleConsumer;
import org.junit.jupiter.api.BeforeAll;

/**
 * Databases and helpers shared by the verifier's integration tests: every test class gets a fresh
 * source and target database (the {@code BeforeAll} below runs once per subclass), the target
 * starting as an exact copy of the source (the same deterministic SQL run in both); then chosen
 * rows are changed, removed or added, and the report must name exactly those keys.
 */
abstract class VerifierFixture {

    static Endpoint source;
    static Endpoint target;
    static Engine engine;

    @BeforeAll
    static void databases() throws SQLException {
        source = EmbeddedPostgres.newDatabase("verify_src");
        target = EmbeddedPostgres.newDatabase("verify_tgt");
        // The two databases print floats and bytea differently by default; the comparer's sessions
        // must not care. (pgjdbc sets its own TimeZone and DateStyle when it connects.)
        configure(source, "extra_float_digits = 0", "IntervalStyle = 'iso_8601'");
        configure(target, "extra_float_digits = -3", "bytea_output = 'escape'", "IntervalStyle = 'sql_standard'");
        assertThat(scalar(source, "SELECT 1 / 3::float8 || ' ' || '\\x01'::bytea")).isEqualTo("0.333333333333333 \\x01");
        assertThat(scalar(target, "SELECT 1 / 3::float8 || ' ' || '\\x01'::bytea")).isEqualTo("0.333333333333 \\001");
        engine = new PostgresEngineProvider().create(source, target);
    }

    static void configure(Endpoint database, String... settings) throws SQLException {
        String name = database.url().substring(database.url().lastIndexOf('/') + 1);
        for (String setting : settings) {
            run(database, "ALTER DATABASE " + name + " SET " + setting);
        }
    }

    /** What a difference must be: its kind and the columns that differ. */
    record Expected(Kind kind, List<String> columns) {
    }

    static Expected different(String... columns) {
        return new Expected(Kind.DIFFERENT, List.of(columns));
    }

    static List<String> key(String... values) {
        return List.of(values);
    }

    /** The verdict's differences in report order, keyed by key. */
    static Map<List<String>, Expected> actual(TableVerdict verdict) {
        Map<List<String>, Expected> found = new LinkedHashMap<>();
        for (RowDifference difference : verdict.differences()) {
            assertThat(found.put(difference.key(), new Expected(difference.kind(), difference.differingColumns())))
                    .as("key %s reported once", difference.key()).isNull();
        }
        return found;
    }

    /** A column's normalized value in the source row and in the target row. */
    static List<String> value(RowDifference difference, String column) {
        int index = difference.columns().indexOf(column);
        List<String> values = new ArrayList<>();
        values.add(difference.sourceRow().map(row -> row.get(index)).orElse(null));
        values.add(difference.targetRow().map(row -> row.get(index)).orElse(null));
        return values;
    }

    static TableMove describe(String table) {
        QualifiedName name = new QualifiedName("public", table);
        return new TableMove(engine.describeSource(new TableSpec(name, name, List.of())), name);
    }

    /**
     * The table as it is, every column whatever its type: verification compares any column type,
     * whether or not a migration can move it.
     */
    static TableMove describeAll(String table) throws SQLException {
        QualifiedName name = new QualifiedName("public", table);
        try (Connection connection = EmbeddedPostgres.connect(source)) {
            return new TableMove(PostgresCatalog.describeAll(connection, name, "source"), name);
        }
    }

    static TableVerdict verifyOne(TableMove move, VerifySettings settings, Scope scope, Recorded recorded)
            throws Exception {
        VerificationReport report = verify(List.of(move), settings, scope, recorded, VerifyListener.NONE);
        assertThat(report.tables()).hasSize(1);
        assertThat(report.notes()).singleElement().asString().contains("no change stream was running");
        return report.tables().get(0);
    }

    /** Verifies with a comparer of its own, closed afterwards; no change stream is running. */
    static VerificationReport verify(List<TableMove> moves, VerifySettings settings, Scope scope,
                                             Recorded recorded, VerifyListener listener) throws InterruptedException {
        try (TableComparer comparer = recorded.wrap(engine.openComparer(settings.parallelism()))) {
            return new Verifier(comparer, settings, Optional.empty(), listener).verify("test", moves, scope);
        }
    }

    static void both(String... statements) throws SQLException {
        run(source, statements);
        run(target, statements);
    }

    static void onSource(String... statements) throws SQLException {
        run(source, statements);
    }

    static void onTarget(String... statements) throws SQLException {
        run(target, statements);
    }

    static void run(Endpoint endpoint, String... statements) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    static String scalar(Endpoint endpoint, String sql) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(sql)) {
            rows.next();
            return rows.getString(1);
        }
    }

    /** Tells which table sizes the verifier planned and how many chunks it checked. */
    static final class Listener implements VerifyListener {
        final List<List<Integer>> planned = new ArrayList<>();
        final AtomicInteger chunksChecked = new AtomicInteger();

        @Override
        public synchronized void tableStarted(String table, int chunks, int toCheck) {
            planned.add(List.of(chunks, toCheck));
        }

        @Override
        public void chunkChecked(String table, int checked, int toCheck, long rowsChecked) {
            chunksChecked.incrementAndGet();
        }
    }

    /**
     * Passes every call to the real comparer and records what was asked of it: the ranges whose
     * checksums were compared, how often ranges were split, and the most rows read row by row.
     */
    static final class Recorded {
        final Collection<KeyRange> checksummed = new ConcurrentLinkedQueue<>();
        final AtomicInteger splits = new AtomicInteger();
        final AtomicInteger passes = new AtomicInteger();
        final AtomicInteger largestDigestRead = new AtomicInteger();

        TableComparer wrap(TableComparer real) {
            return new TableComparer() {
                @Override
                public List<ColumnDifference> columnDifferences(TableMove move) {
                    return real.columnDifferences(move);
                }

                @Override
                public long countRows(Side side, TableMove move) {
                    return real.countRows(side, move);
                }

                @Override
                public List<KeyRange> planChunks(TableMove move, long rowsPerChunk, long seed) {
                    return real.planChunks(move, rowsPerChunk, seed);
                }

                @Override
                public Checksum checksum(Side side, TableMove move, KeyRange range) {
                    if (side == Side.SOURCE) {
                        checksummed.add(range);
                    }
                    return real.checksum(side, move, range);
                }

                @Override
                public List<List<String>> splitKeys(Side side, TableMove move, KeyRange range, int parts) {
                    splits.incrementAndGet();
                    return real.splitKeys(side, move, range, parts);
                }

                @Override
                public List<Checksum> checksums(Side side, TableMove move, KeyRange range, List<List<String>> splitKeys) {
                    return real.checksums(side, move, range, splitKeys);
                }

                @Override
                public List<Checksum> checksumChunks(Side side, TableMove move, List<List<String>> bounds,
                                                     DoubleConsumer progress) {
                    passes.incrementAndGet();
                    return real.checksumChunks(side, move, bounds, progress);
                }

                @Override
                public List<RowDigest> digests(Side side, TableMove move, KeyRange range) {
                    List<RowDigest> digests = real.digests(side, move, range);
                    largestDigestRead.accumulateAndGet(digests.size(), Math::max);
                    return digests;
                }

                @Override
                public Map<List<String>, List<String>> rows(Side side, TableMove move, Collection<List<String>> keys) {
                    return real.rows(side, move, keys);
                }

                @Override
                public void close() {
                    real.close();
                }
            };
        }
    }
}
