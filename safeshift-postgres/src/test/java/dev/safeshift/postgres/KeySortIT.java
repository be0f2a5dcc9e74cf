package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.engine.KeyRange;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The key order both sides of a verification share, chosen from their real catalogs. */
class KeySortIT {

    private static final QualifiedName T = new QualifiedName("public", "t");
    private static Endpoint source;
    private static Endpoint target;

    @BeforeAll
    static void databases() {
        source = EmbeddedPostgres.newDatabase("keysort_src");
        target = EmbeddedPostgres.newDatabase("keysort_tgt");
    }

    @Test
    void theSameDeterministicCollationIsNamedOnBothSidesAndTheKeysIndexStillServesRanges() throws SQLException {
        String table = "CREATE TABLE t (k text COLLATE \"en-x-icu\", d text, n int, PRIMARY KEY (k, d, n))";
        List<KeySort> sorts = sorts(table, table);
        assertThat(sorts.get(0).collations()).containsExactly(
                Optional.of("pg_catalog.\"en-x-icu\""), Optional.of("pg_catalog.\"default\""), Optional.empty());
        assertThat(sorts.get(1)).isEqualTo(sorts.get(0));

        TableInfo info;
        try (Connection connection = EmbeddedPostgres.connect(source)) {
            info = PostgresCatalog.describeAll(connection, T, "source");
        }
        KeyRange range = new KeyRange(Optional.of(List.of("b", "x", "1")), Optional.of(List.of("c", "y", "2")));
        assertThat(plan(source, "SELECT count(*) FROM t WHERE " + KeyRanges.condition(info, sorts.get(0), range)))
                .contains("Index Cond");
        // bytewise order on a key indexed in another collation: the index cannot bound the range
        KeySort bytes = new KeySort(List.of(Optional.of("pg_catalog.\"C\""), Optional.of("pg_catalog.\"C\""), Optional.empty()));
        assertThat(plan(source, "SELECT count(*) FROM t WHERE " + KeyRanges.condition(info, bytes, range)))
                .doesNotContain("Index Cond");
    }

    @Test
    void collationsThatDifferOrAreNotDeterministicSortBytewiseOnBothSides() throws SQLException {
        List<KeySort> differ = sorts("CREATE TABLE t (k text COLLATE \"C\" PRIMARY KEY)",
                "CREATE TABLE t (k text COLLATE \"und-x-icu\" PRIMARY KEY)");
        assertThat(differ.get(0).collations()).containsExactly(Optional.of("pg_catalog.\"C\""));
        assertThat(differ.get(1).collations()).containsExactly(Optional.of("pg_catalog.\"C\""));

        String ci = "CREATE COLLATION IF NOT EXISTS public.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)";
        run(source, ci);
        run(target, ci);
        List<KeySort> loose = sorts("CREATE TABLE t (k text COLLATE public.ci PRIMARY KEY)",
                "CREATE TABLE t (k text COLLATE public.ci PRIMARY KEY)");
        assertThat(loose.get(0).collations()).containsExactly(Optional.of("pg_catalog.\"C\""));
        assertThat(loose.get(1).collations()).containsExactly(Optional.of("pg_catalog.\"C\""));

        // collations are compared by what they are (provider, locale, version), not by name: the
        // database default here is a libc locale, not the ICU root collation
        List<KeySort> named = sorts("CREATE TABLE t (k varchar(20) PRIMARY KEY, n bigint)",
                "CREATE TABLE t (k varchar(20) COLLATE \"und-x-icu\" PRIMARY KEY, n bigint)");
        assertThat(named.get(0).collations()).containsExactly(Optional.of("pg_catalog.\"C\""));
        assertThat(named.get(1).collations()).containsExactly(Optional.of("pg_catalog.\"C\""));
    }

    @Test
    void keysWithoutCollationsNameNone() throws SQLException {
        List<KeySort> sorts = sorts("CREATE TABLE t (a bigint, b uuid, PRIMARY KEY (a, b))",
                "CREATE TABLE t (a bigint, b uuid, PRIMARY KEY (a, b))");
        assertThat(sorts.get(0).isNatural()).isTrue();
        assertThat(sorts.get(1).isNatural()).isTrue();
    }

    /** Creates table t on each side (dropping an earlier one) and chooses the key order from both catalogs. */
    private static List<KeySort> sorts(String sourceTable, String targetTable) throws SQLException {
        run(source, "DROP TABLE IF EXISTS t", sourceTable);
        run(target, "DROP TABLE IF EXISTS t", targetTable);
        List<ColumnType> from = key(source);
        List<ColumnType> to = key(target);
        return KeySort.forVerification(from, to);
    }

    private static List<ColumnType> key(Endpoint endpoint) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(endpoint)) {
            TableInfo info = PostgresCatalog.describeAll(connection, T, "test");
            List<ColumnType> types = TypeCatalog.read(connection, T, "test");
            return info.primaryKey().stream()
                    .map(name -> types.stream().filter(t -> t.name().equals(name)).findFirst().orElseThrow())
                    .toList();
        }
    }

    private static String plan(Endpoint endpoint, String query) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
            statement.execute("SET enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rows = statement.executeQuery("EXPLAIN " + query)) {
                while (rows.next()) {
                    plan.append(rows.getString(1)).append('\n');
                }
            }
            return plan.toString();
        }
    }

    private static void run(Endpoint endpoint, String... statements) throws SQLException {
        try (Connection connection = EmbeddedPostgres.connect(endpoint); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }
}
