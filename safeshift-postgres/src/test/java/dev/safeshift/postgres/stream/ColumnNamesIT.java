package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Any column (and table) name PostgreSQL allows streams, through the real change stream. */
class ColumnNamesIT {

    /** The key is a unicode name too, so deletes and key changes find rows by it. */
    private static final String COLUMNS = "(\"ünïcødé\" integer PRIMARY KEY, \"with space\" text, \"dot.ted\" text, "
            + "\"quo\"\"te\" text, \"\"\"quoted\"\"\" text, \"'single'\" text, \"MixedCase\" text, \"dollar$\" text, "
            + "\"select\" text, \"日本語\" text, \"emoji 🐘\" text, big text)";
    private static final String TABLE = "\"Schéma\".\"Tåble one.two\"";

    @Test
    void unicodeSpacesDotsQuotesMixedCaseDollarsAndReservedWordsStream() {
        try (StreamFixture db = new StreamFixture("names")) {
            db.source("CREATE SCHEMA \"Schéma\"", "CREATE TABLE " + TABLE + " " + COLUMNS);
            db.target("CREATE SCHEMA \"Schéma\"", "CREATE TABLE " + TABLE + " " + COLUMNS);
            db.createCapture(TABLE);
            QualifiedName name = new QualifiedName("Schéma", "Tåble one.two");
            TableMove move = db.move("Schéma", "Tåble one.two", name);
            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                stream.start();
                db.source("INSERT INTO " + TABLE + " SELECT g, 's' || g, 'd' || g, 'q' || g, 'qq' || g, 'sq' || g, "
                                + "'m' || g, '$' || g, 'sel' || g, 'ja' || g, 'e' || g, "
                                + "(SELECT string_agg(md5(g::text || k), '') FROM generate_series(1, 2000) k) "
                                + "FROM generate_series(1, 20) g",
                        "UPDATE " + TABLE + " SET \"MixedCase\" = 'M', \"emoji 🐘\" = 'E' WHERE \"ünïcødé\" <= 5",
                        // the large value is left out of the log: only the columns that changed arrive
                        "UPDATE " + TABLE + " SET \"quo\"\"te\" = 'Q', \"\"\"quoted\"\"\" = 'QQ', \"'single'\" = 'SQ' "
                                + "WHERE \"ünïcødé\" = 6",
                        // key changes, with the large value left out of the log and with every value in it
                        "UPDATE " + TABLE + " SET \"ünïcødé\" = 100 WHERE \"ünïcødé\" = 7",
                        "UPDATE " + TABLE + " SET \"ünïcødé\" = 200, big = 'small' WHERE \"ünïcødé\" = 10",
                        "DELETE FROM " + TABLE + " WHERE \"ünïcødé\" IN (8, 9)");
                awaitSame(db, stream, TABLE);
                db.source("TRUNCATE " + TABLE, "INSERT INTO " + TABLE + " (\"ünïcødé\", \"日本語\") VALUES (1, 'after')");
                awaitSame(db, stream, TABLE);
            }
        }
    }

    @Test
    void namesDebeziumCannotTellApartOrReadBackAreRefusedBeforeAnythingIsCopied() throws Exception {
        var source = EmbeddedPostgres.newDatabase("names_refused");
        StreamFixture.run(source, "CREATE TABLE twins (id integer PRIMARY KEY, \"A\" text, a text, \"\"\"b\"\"\" text, b text)",
                "CREATE TABLE fine (id integer PRIMARY KEY, \"Ab\" text, \"a b\" text, \"ä\" text, \"Ä\" text)",
                "CREATE TABLE \"say \"\"cheese\"\"\" (id integer PRIMARY KEY)");
        try (Connection connection = EmbeddedPostgres.connect(source)) {
            assertThatThrownBy(() -> StreamableNames.refuseUnstreamable(connection, new QualifiedName("public", "twins")))
                    .isInstanceOfSatisfying(SafeshiftException.class,
                            e -> assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.UNSUPPORTED_TABLE))
                    .hasMessageContaining("\"A\" and \"a\"")
                    .hasMessageContaining("\"\"\"b\"\"\" and \"b\"")
                    .hasMessageContaining("RENAME COLUMN");
            StreamableNames.refuseUnstreamable(connection, new QualifiedName("public", "fine"));
            assertThatThrownBy(() -> StreamableNames.refuseUnstreamable(connection,
                    new QualifiedName("public", "say \"cheese\""))).hasMessageContaining("double quote");
        }
    }

    private static void awaitSame(StreamFixture db, PostgresChangeStream stream, String table) {
        List<String> expected = StreamFixture.rows(db.source, table, "1");
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(500)).until(() -> stream.failure().isPresent()
                || StreamFixture.rows(db.target, table, "1").equals(expected));
        assertThat(stream.failure()).isEmpty();
        assertThat(StreamFixture.firstDifference(expected, StreamFixture.rows(db.target, table, "1"))).isEmpty();
    }
}
