package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.RowDigest;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableComparer;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.VerifyListener;
import dev.safeshift.verify.VerifySettings;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * Random changes to a target copy of two tables with two columns of every column type (and their
 * arrays), one keyed by a bigint, one by (text, bigint): in every round, verification must report
 * exactly the changed keys, each with its kind and changed columns, and nothing changed only in a
 * way that is equal by design, whose rows must even hash alike. Full runs and samples alternate,
 * as do deep and shallow narrowing. The seed is printed; {@code -Dsafeshift.propertySeed=N}
 * repeats a run.
 */
class VerifierPropertyIT extends VerifierFixture {

    private static final int ROWS = 3_000;
    private static final int ROUNDS = 12;
    private static final int MUTATIONS_PER_TABLE = 110;

    private static final VerifySettings DEEP =
            new VerifySettings(4, 400, 4, 40, 2, 6, VerifySettings.DEFAULTS.settleTimeout());
    private static final VerifySettings SHALLOW =
            new VerifySettings(4, 400, 16, 1_000, 2, 6, VerifySettings.DEFAULTS.settleTimeout());

    @Test
    void everyChangeIsReportedWithExactlyItsKeysAndNothingEqualByDesignIs() throws Exception {
        long seed = Long.getLong("safeshift.propertySeed", new SecureRandom().nextLong());
        System.out.println("VerifierPropertyIT seed " + seed + " (repeat with -Dsafeshift.propertySeed=" + seed + ")");
        Random random = new Random(seed);

        List<PropertyTable> tables = List.of(new PropertyTable("prop_int", false, ROWS),
                new PropertyTable("prop_composite", true, ROWS));
        run(source, PropertyTypes.definitions(false).toArray(String[]::new));
        run(target, PropertyTypes.definitions(true).toArray(String[]::new));
        for (PropertyTable table : tables) {
            both(table.create());
            onSource(table.fill(), "ANALYZE " + table.name);
            // the target's copy is restored from here before each round, faster than making it again
            onTarget("CREATE TABLE " + table.name + "_pristine (LIKE " + table.name + ")",
                    table.fill().replaceFirst("INSERT INTO " + table.name, "INSERT INTO " + table.name + "_pristine"));
        }
        Map<String, TableMove> moves = new LinkedHashMap<>();
        for (PropertyTable table : tables) {
            moves.put(table.name, describeAll(table.name));
        }

        Map<String, Integer> made = new TreeMap<>();
        long started = System.nanoTime();
        try (TableComparer comparer = engine.openComparer(2)) {
            for (int round = 0; round < ROUNDS; round++) {
                String context = "seed " + seed + ", round " + round;
                VerifySettings settings = round % 2 == 0 ? DEEP : SHALLOW;
                boolean sample = round % 4 == 3;
                for (PropertyTable table : tables) {
                    onTarget("TRUNCATE " + table.name, "INSERT INTO " + table.name + " SELECT * FROM " + table.name + "_pristine");
                }
                List<PropertyMutations> rounds = new ArrayList<>();
                for (PropertyTable table : tables) {
                    PropertyMutations mutations = new PropertyMutations(table, random).plan(MUTATIONS_PER_TABLE);
                    onTarget(mutations.sql.toArray(String[]::new));
                    mutations.made.forEach((kind, count) -> made.merge(kind, count, Integer::sum));
                    rounds.add(mutations);
                }
                for (int t = 0; t < tables.size(); t++) {
                    PropertyTable table = tables.get(t);
                    PropertyMutations mutations = rounds.get(t);
                    TableMove move = moves.get(table.name);
                    Recorded recorded = new Recorded();
                    Scope scope = sample ? Scope.sample(50, seed + round) : Scope.full();
                    VerificationReport report = verify(List.of(move), settings, scope, recorded, VerifyListener.NONE);
                    TableVerdict verdict = report.tables().get(0);
                    Map<List<String>, Expected> wanted = new LinkedHashMap<>(mutations.expected);
                    if (sample) {
                        Set<List<String>> checked = keysIn(move, recorded.checksummed);
                        wanted.keySet().retainAll(checked);
                    }
                    Map<List<String>, Expected> reported = actual(verdict);
                    assertThat(reported.keySet()).as("%s, %s: reported keys; missed %s; reported but unchanged or "
                                    + "equal by design %s", context, table.name,
                            describe(wanted.keySet(), reported.keySet(), mutations),
                            describe(reported.keySet(), wanted.keySet(), mutations))
                            .isEqualTo(wanted.keySet());
                    assertThat(reported).as("%s, %s: kinds and columns of the reported differences", context, table.name)
                            .isEqualTo(wanted);
                    assertThat(verdict.unsettledKeys()).as("%s, %s", context, table.name).isEmpty();
                    assertThat(verdict.columnDifferences()).isEmpty();
                    for (long g : mutations.alike) {
                        assertHashAlike(comparer, move, table, g, context);
                    }
                }
            }
        }
        int total = made.values().stream().mapToInt(Integer::intValue).sum();
        System.out.println("VerifierPropertyIT: " + total + " mutations in " + ROUNDS + " rounds, "
                + Duration.ofNanos(System.nanoTime() - started).toSeconds() + " s: " + made);
        assertThat(total).isGreaterThanOrEqualTo(2_500);
        assertThat(made.keySet()).containsExactlyInAnyOrder("value", "null or special", "rotation", "column swap",
                "missing row", "extra row", "collision", "equal by design");
    }

    /** The keys of {@code these} that {@code those} lacks, each with what was done to it. */
    private static List<String> describe(Set<List<String>> these, Set<List<String>> those, PropertyMutations mutations) {
        return these.stream().filter(key -> !those.contains(key))
                .map(key -> key + " (" + mutations.done.getOrDefault(key, "not changed") + ")").toList();
    }

    /** A row changed only in ways equal by design has the same row hash on both sides. */
    private static void assertHashAlike(TableComparer comparer, TableMove move, PropertyTable table, long g,
                                        String context) {
        List<String> key = table.key(g);
        List<String> next = new ArrayList<>(key);
        next.set(next.size() - 1, Long.toString(2 * g + 1));
        KeyRange range = new KeyRange(Optional.of(key), Optional.of(next));
        List<RowDigest> source = comparer.digests(Side.SOURCE, move, range);
        List<RowDigest> target = comparer.digests(Side.TARGET, move, range);
        assertThat(source).as("%s, %s: the source row %s", context, table.name, key).hasSize(1);
        assertThat(target).as("%s, %s: row %s, changed only in ways equal by design, hashes alike", context,
                table.name, key).isEqualTo(source);
    }

    /** The keys either side holds in the ranges a sample checked. */
    private static Set<List<String>> keysIn(TableMove move, Iterable<KeyRange> ranges) throws SQLException {
        Set<List<String>> keys = new HashSet<>();
        int keyColumns = move.source().primaryKey().size();
        for (Endpoint side : List.of(source, target)) {
            try (Connection connection = EmbeddedPostgres.connect(side); Statement statement = connection.createStatement()) {
                for (KeyRange range : ranges) {
                    try (ResultSet rows = statement.executeQuery("SELECT " + KeyRanges.keyAsText(move.source()) + " FROM "
                            + Sql.table(move.source().name()) + " WHERE " + KeyRanges.condition(move.source(), range))) {
                        while (rows.next()) {
                            List<String> key = new ArrayList<>();
                            for (int i = 1; i <= keyColumns; i++) {
                                key.add(rows.getString(i));
                            }
                            keys.add(key);
                        }
                    }
                }
            }
        }
        return keys;
    }
}
