package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.engine.StreamProgress;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

class PostgresChangeStreamIT {

    private static final Duration PATIENCE = Duration.ofMinutes(4);

    /** Every supported type, its array, and identifiers that need quoting. */
    private static final String COLUMNS = "("
            + "id bigint PRIMARY KEY, "
            + "i integer, bi bigint, n numeric(12,2), nn numeric, t text, v varchar(20), c char(5), bo boolean, "
            + "tz timestamp with time zone, ts timestamp without time zone, d date, u uuid, j jsonb, by bytea, "
            + "ia integer[], bia bigint[], na numeric(12,2)[], nna numeric[], ta text[], va varchar(20)[], ca char(3)[], "
            + "boa boolean[], tza timestamptz[], tsa timestamp[], da date[], ua uuid[], ja jsonb[], bya bytea[], "
            + "\"Mixed \"\"Case\"\" col\" text)";

    private static final String FULL_ROW = "%d, 42, 9007199254740993, 1234567890.12, 'NaN', 'plain text', 'varchar', 'ab', true, "
            + "'2024-02-29 23:59:59.123456+05:30', '1999-12-31 23:59:59.999999', '2024-02-29', "
            + "'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '{\"k\": [1, \"two\", null], \"nested\": {\"x\": 1.50}}', '\\x00ff10'::bytea, "
            + "'{1,NULL,-3}', '{9223372036854775807,NULL}', '{1.50,NULL,-2.25}', '{NaN,0.000001,NULL}', "
            + "ARRAY['a,b', 'q\"uote', 'back\\slash', '{brace}', '', 'NULL', NULL, ' spaced '], "
            + "ARRAY['x,y', NULL, ''], ARRAY['ab', NULL], '{t,f,NULL}', "
            + "ARRAY['2020-01-01 00:00:00.000001+00'::timestamptz, NULL], ARRAY['1970-01-01 00:00:00.5'::timestamp, NULL], "
            + "ARRAY['2000-02-29'::date, NULL], ARRAY['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid, NULL], "
            + "ARRAY['{\"a\": \"b,c\"}'::jsonb, NULL, '[]'::jsonb], ARRAY['\\x'::bytea, '\\x5c22'::bytea, NULL], 'mixed %d'";

    @Test
    void everyTypeArrivesExactlyThroughInsertsUpdatesDeletesKeyChangesAndTruncate() {
        try (StreamFixture db = new StreamFixture("types")) {
            db.source("CREATE SCHEMA app", "CREATE TABLE app.every_type " + COLUMNS);
            db.target("CREATE TABLE public.\"Every \"\"Type\"\" copy\" " + COLUMNS);
            db.createCapture("app.every_type");
            TableMove move = db.move("app", "every_type", new QualifiedName("public", "Every \"Type\" copy"));

            // Changes before the stream opens must arrive too: the slot holds them.
            db.source("INSERT INTO app.every_type (id, t) SELECT g, 'doomed ' || g FROM generate_series(1, 50) g",
                    "UPDATE app.every_type SET t = 'still doomed' WHERE id < 10",
                    "TRUNCATE app.every_type",
                    "INSERT INTO app.every_type VALUES (" + FULL_ROW.formatted(1, 1) + ")",
                    "INSERT INTO app.every_type (id) VALUES (2)");

            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                stream.start();
                db.source("INSERT INTO app.every_type VALUES (" + FULL_ROW.formatted(3, 3) + ")",
                        "INSERT INTO app.every_type VALUES (" + FULL_ROW.formatted(4, 4) + ")",
                        // every column NULL after having values
                        "UPDATE app.every_type SET (i, bi, n, nn, t, v, c, bo, tz, ts, d, u, j, by, ia, bia, na, nna, ta, va, ca, "
                                + "boa, tza, tsa, da, ua, ja, bya, \"Mixed \"\"Case\"\" col\") = (NULL, NULL, NULL, NULL, NULL, NULL, "
                                + "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, "
                                + "NULL, NULL, NULL, NULL, NULL, NULL, NULL) WHERE id = 4",
                        // values far beyond 8 kB, stored out of line (TOAST), in each toastable kind of column
                        "INSERT INTO app.every_type (id, i, t, j, by, ta, ia, na) SELECT 5, 1, big, jsonb_build_object('big', big), "
                                + "decode(big, 'hex'), ARRAY[big, 'small'], (SELECT array_agg((random() * 1e9)::int) FROM "
                                + "generate_series(1, 5000)), (SELECT array_agg(round((random() * 1e6)::numeric, 2)) FROM "
                                + "generate_series(1, 3000)) FROM (SELECT string_agg(md5(g::text), '') AS big "
                                + "FROM generate_series(1, 600) g) s",
                        // the large values are not in the log for these: only what changed is
                        "UPDATE app.every_type SET i = i + 1 WHERE id = 5",
                        "UPDATE app.every_type SET v = 'touched' WHERE id = 5",
                        // a key change of that row moves its large values along
                        "UPDATE app.every_type SET id = 6 WHERE id = 5",
                        "UPDATE app.every_type SET id = 30 WHERE id = 3",
                        "DELETE FROM app.every_type WHERE id = 2");
                // one transaction touching one row many times, and keys swapping places
                db.sourceTransaction("INSERT INTO app.every_type (id, t) VALUES (7, 'first')",
                        "UPDATE app.every_type SET t = 'second' WHERE id = 7",
                        "UPDATE app.every_type SET t = 'third', i = 3 WHERE id = 7",
                        "INSERT INTO app.every_type (id, t) VALUES (8, 'eight')",
                        "UPDATE app.every_type SET id = -1 WHERE id = 7",
                        "UPDATE app.every_type SET id = 7 WHERE id = 8",
                        "UPDATE app.every_type SET id = 8 WHERE id = -1");
                // a transaction larger than one Debezium batch
                db.source("INSERT INTO app.every_type (id, i, t, ta) SELECT 1000 + g, g, 'bulk ' || g, ARRAY['x' || g, NULL] "
                        + "FROM generate_series(1, 5000) g",
                        "UPDATE app.every_type SET n = id / 7.0 WHERE id > 1000",
                        "DELETE FROM app.every_type WHERE id > 1000 AND id % 3 = 0");

                awaitSame(db, stream, "app.every_type", "public.\"Every \"\"Type\"\" copy\"");
                // the rows are visible once the target commits; the stream reports that position just after. It
                // may report a later one: a source transaction with nothing of ours (other activity on the server)
                // counts as applied without a write to the target.
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    long stored = db.appliedPosition().orElseThrow()[0];
                    assertThat(stored).isPositive();
                    assertThat(stream.progress().appliedPosition().map(p -> LogSequenceNumber.valueOf(p).asLong()))
                            .hasValueSatisfying(reported -> assertThat(Long.compareUnsigned(reported, stored))
                                    .isGreaterThanOrEqualTo(0));
                });
                StreamProgress progress = stream.progress();
                assertThat(stream.failure()).isEmpty();
                assertThat(stream.isRunning()).isTrue();
                assertThat(progress.eventsApplied()).isGreaterThan(5000);
                assertThat(progress.lastSourceCommit()).isPresent();
                assertThat(progress.applyLagP99Millis()).isGreaterThanOrEqualTo(progress.applyLagP50Millis());
            }
            assertThat(db.slotActive()).as("slot released on close").isFalse();
        }
    }

    /** Values at the edges of their types, and types beyond the common ones. */
    private static final String EDGE_COLUMNS = "(id integer PRIMARY KEY, ts timestamp, ts0 timestamp(0), ts3 timestamp(3), "
            + "tz timestamptz, d date, n numeric, big numeric(40,20), f float8, r real, tm time, iv interval, m money, "
            + "x xml, bits bit(5), vb varbit, js json, ch char(1), t text, ip inet, rng int4range, s smallint, o oid, "
            + "tsa timestamp[], grid integer[][], shifted integer[], h hstore, feeling mood)";

    @Test
    void edgeValuesOfManyTypesArriveExactly() {
        try (StreamFixture db = new StreamFixture("edges")) {
            String types = "CREATE EXTENSION hstore; CREATE TYPE mood AS ENUM ('calm', 'it''s \"fine\"')";
            db.source(types, "CREATE TABLE edge " + EDGE_COLUMNS);
            db.target(types, "CREATE TABLE edge " + EDGE_COLUMNS);
            db.createCapture("public.edge");
            TableMove move = db.move("public", "edge", new QualifiedName("public", "edge"));
            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                stream.start();
                db.source("INSERT INTO edge VALUES (1, 'infinity', 'infinity', '-infinity', 'infinity', 'infinity', 'Infinity', "
                                + "12345678901234567890.12345678901234567890, 'Infinity', '-Infinity', '24:00:00', "
                                + "'1 year 2 mons 3 days 04:05:06.789', 12.34, '<a>x</a>', B'10101', B'1', '{\"a\" : 1, \"a\": 2}', ' ', "
                                + "E'tab\\there\\nnew line', '192.168.0.1/24', '[1,5)', -32768, 4294967295, "
                                + "'{infinity,\"0044-03-15 12:00:00 BC\"}', '{{1,2},{3,NULL}}', '[0:1]={1,2}', "
                                + "'a=>1, \"b c\"=>NULL, \"q\\\"\"=>\"\"', 'it''s \"fine\"')",
                        "INSERT INTO edge VALUES (2, '-infinity', '2020-01-01 00:00:00', '2020-01-01 00:00:00.123', '-infinity', "
                                + "'-infinity', '-Infinity', -0.00000000000000000001, 'NaN', 'NaN', '00:00:00.000001', "
                                + "'-1 days -00:00:01', 92233720368547758.07, '', B'00000', B'', '[]', 'x', '', '::1', 'empty', 32767, 0, "
                                + "'{}', '{}', '{}', '', 'calm')",
                        "INSERT INTO edge (id, ts, tz, d, n, f, r, iv) VALUES (3, '0044-03-15 12:00:00.000001 BC', "
                                + "'0044-03-15 12:00:00.000001+00 BC', '0044-03-15 BC', 1e-30, 5e-324, 1.4e-45, '0.000001 seconds')",
                        "INSERT INTO edge (id, tz, d, n, f, r, iv) VALUES (4, '20000-01-01 00:00:00+00', '5874897-12-31', "
                                + "123456789012345678901234567890.123456789, 1.7976931348623157e308, 3.4028235e38, '178000000 years')");
                awaitSame(db, stream, "edge", "edge");
            }
        }
    }

    /** Waits until the target table equals the source table, failing early if the stream died. */
    static void awaitSame(StreamFixture db, PostgresChangeStream stream, String sourceTable, String targetTable) {
        List<String> expected = StreamFixture.rows(db.source, sourceTable, "id");
        await().atMost(PATIENCE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            assertThat(stream.failure()).isEmpty();
            assertThat(StreamFixture.firstDifference(expected, StreamFixture.rows(db.target, targetTable, "id"))).isEmpty();
        });
    }
}
