package dev.safeshift.cli;

import static dev.safeshift.cli.Databases.scalar;
import static dev.safeshift.cli.Databases.sql;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.cli.demo.RowByRow;
import dev.safeshift.plan.ControlSpec;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.store.ChunkRecord;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.Phase;
import dev.safeshift.store.StreamState;
import dev.safeshift.testing.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One plan moving everything at once, as a user's real schema would: a table with every kind of
 * column (enum, domain, composite, ranges, geometry, arrays…), a table with quoted, mixed-case and
 * unicode names, a text key under an ICU collation, a partitioned table and 2 MB values, under a
 * concurrent writer, with a kill -9 during the backfill and another while streaming. Afterwards both
 * sides must hold the same rows, compared as text in a collation-independent order, verify must be
 * clean, and 50 random changes made to the target afterwards must all be reported, by key.
 */
class EndToEndIT {

    private static final String NAME = "everything_at_once";

    /** Each table: how the plan names it, how SQL names it, its key column, and how to order by it in any collation. */
    private record Table(String plan, String sql, String key, String orderBy) {
    }

    private static final List<Table> TABLES = List.of(
            new Table("public.kinds", "public.kinds", "id", "id"),
            new Table("'\"Sales Ops\".\"order-lines.2026\"'", "\"Sales Ops\".\"order-lines.2026\"", "\"Line No\"",
                    "\"Line No\""),
            new Table("public.codes", "public.codes", "code", "code COLLATE \"C\""),
            new Table("public.events", "public.events", "id", "id"),
            new Table("public.blobs", "public.blobs", "id", "id"));

    private static final String SCHEMA = """
            CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy', 'Ünïcødé mood');
            CREATE DOMAIN positive_int AS integer CHECK (VALUE > 0);
            CREATE TYPE pair AS (label text, amount numeric(10,2));
            CREATE TABLE public.kinds (
              id bigint PRIMARY KEY,
              iv interval, m money, ip inet, net cidr, mac macaddr, md mood, pos positive_int, pr pair,
              r int4range, tr tstzrange, tv tsvector, x xml, p point, bv bit varying(16), b8 bit(8),
              re real, dp double precision, js json, jb jsonb, n numeric, t text, by bytea, u uuid, tt time,
              a_iv interval[], a_ip inet[], a_md mood[], a_pr pair[], a_dp double precision[], a_js json[],
              a_r int4range[], a_n numeric[]
            );
            CREATE SCHEMA "Sales Ops";
            CREATE TABLE "Sales Ops"."order-lines.2026" (
              "Line No" bigint PRIMARY KEY, "Quantity" integer NOT NULL DEFAULT 1, "ünïcødé" text,
              "Sku.Code" varchar(20), "select" boolean
            );
            CREATE TABLE public.codes (code text COLLATE "und-x-icu" PRIMARY KEY, label text);
            CREATE TABLE public.events (id bigint PRIMARY KEY, kind text, at timestamptz) PARTITION BY RANGE (id);
            CREATE TABLE public.events_low PARTITION OF public.events FOR VALUES FROM (MINVALUE) TO (10000);
            CREATE TABLE public.events_mid PARTITION OF public.events FOR VALUES FROM (10000) TO (20000);
            CREATE TABLE public.events_high PARTITION OF public.events FOR VALUES FROM (20000) TO (MAXVALUE);
            CREATE TABLE public.blobs (id int PRIMARY KEY, version int, payload text);
            """;

    /** A row of public.kinds for id g (an SQL expression); every 5th row is mostly NULL. */
    static String kindsRow(String g) {
        return """
                %1$s,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE make_interval(days => (%1$s %% 40)::int, secs => %1$s %% 90) END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE (%1$s %% 100000 / 100.0)::numeric::money END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ('10.' || (%1$s %% 250) || '.0.1/' || (16 + %1$s %% 16))::inet END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ('192.168.' || (%1$s %% 250) || '.0/24')::cidr END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ('08:00:2b:01:02:' || lpad(to_hex((%1$s %% 256)::int), 2, '0'))::macaddr END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE (enum_range(NULL::mood))[1 + %1$s %% 4] END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE (1 + %1$s %% 1000)::positive_int END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ROW('lbl, "' || %1$s, (%1$s %% 10000) / 3.0)::pair END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE int4range((%1$s %% 100)::int, (%1$s %% 100)::int + 5) END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE tstzrange('2024-01-01'::timestamptz + make_interval(hours => (%1$s %% 500)::int), NULL) END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE to_tsvector('simple', 'quick brown fox ' || %1$s) END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ('<r n="' || %1$s || '">ü &amp; x</r>')::xml END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE point(%1$s / 7.0, -%1$s / 3.0) END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE (%1$s %% 4096)::bit(12)::varbit END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE (%1$s %% 256)::int::bit(8) END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL WHEN %1$s %% 17 = 0 THEN 'NaN'::real ELSE (%1$s / 7.0)::real END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL WHEN %1$s %% 19 = 0 THEN '-Infinity'::float8 ELSE %1$s / 3.0::float8 END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ('{"b": ' || %1$s || ',  "a": [1, 2]}')::json END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL WHEN %1$s %% 13 = 0 THEN '{}'::jsonb ELSE jsonb_build_object('k', %1$s, 'neg', -%1$s) END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL WHEN %1$s %% 23 = 0 THEN 'NaN'::numeric ELSE %1$s / 7.0 END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL WHEN %1$s %% 11 = 0 THEN '' ELSE 'text ' || md5(%1$s::text) END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE decode(md5(%1$s::text), 'hex') END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE md5(%1$s::text)::uuid END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE make_time(0, 0, 0) + make_interval(secs => %1$s %% 86399) END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ARRAY['1 day'::interval, make_interval(mins => (%1$s %% 60)::int)] END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ARRAY['::1'::inet, NULL] END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ARRAY['ok'::mood, 'Ünïcødé mood'] END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ARRAY[ROW('a', 1.5)::pair, NULL] END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ARRAY[1.5::float8, 'NaN', '-0'] END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ARRAY['{"z":1, "a":2}'::json] END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ARRAY[int4range(1, 3), 'empty'] END,
                CASE WHEN %1$s %% 5 = 0 THEN NULL ELSE ARRAY[1.50, %1$s / 3.0, NULL]::numeric[] END
                """.formatted(g);
    }

    private static String linesRow(String g) {
        return g + ", (" + g + " % 50)::int, CASE WHEN " + g + " % 4 = 0 THEN NULL ELSE 'ünï ' || " + g
                + " END, 'SKU.' || " + g + ", " + g + " % 2 = 0";
    }

    /** Keys that collide under an accent- or case-insensitive order, with trailing blanks and quotes. */
    private static String codeKey(String g) {
        return "(ARRAY['a', 'A', 'ä', 'Ä', 'a ', 'ß', 'ss', 'é', 'E', 'ǅ', 'o''q'])[1 + " + g + " % 11] || " + g;
    }

    @TempDir
    Path directory;

    @Test
    void movesAWholeSchemaThroughKillsAndProvesItByKey() throws Exception {
        long seed = Long.getLong("safeshift.endToEndSeed", System.nanoTime());
        System.out.println("end-to-end seed: " + seed + " (repeat with -Dsafeshift.endToEndSeed=" + seed + ")");
        Random random = new Random(seed);
        Endpoint source = EmbeddedPostgres.newDatabase("e2e_source");
        Endpoint target = EmbeddedPostgres.newDatabase("e2e_target");
        sql(source, SCHEMA);
        sql(source,
                "INSERT INTO public.kinds SELECT " + kindsRow("g") + " FROM generate_series(1::bigint, 20000) g",
                "INSERT INTO \"Sales Ops\".\"order-lines.2026\" SELECT " + linesRow("g") + " FROM generate_series(1::bigint, 20000) g",
                "INSERT INTO public.codes SELECT " + codeKey("g") + ", 'label ' || g FROM generate_series(1, 20000) g",
                "INSERT INTO public.events SELECT g, 'kind ' || (g % 7), '2024-01-01'::timestamptz + make_interval(secs => g)"
                        + " FROM generate_series(1::bigint, 30000) g",
                "INSERT INTO public.blobs SELECT g, 0, repeat(md5(g::text), 65536) FROM generate_series(1, 12) g",
                "ANALYZE");
        assertThat(scalar(source, "SELECT octet_length(payload) FROM public.blobs WHERE id = 1")).isEqualTo("2097152");
        StringBuilder tables = new StringBuilder();
        for (Table table : TABLES) {
            tables.append("  - source: ").append(table.plan()).append('\n');
        }
        Path plan = directory.resolve("plan.yaml");
        Files.writeString(plan, """
                name: %s
                source:
                  url: %s
                  user: postgres
                target:
                  url: %s
                  user: postgres
                tables:
                %scopy:
                  parallelism: 2
                  rows-per-chunk: 100
                """.formatted(NAME, source.url(), target.url(), tables));
        assertThat(CommandRun.of("validate", plan.toString()).exitCode()).isZero();

        Path output = directory.resolve("daemon-output.log");
        List<String> kills;
        try (MixedWriter writer = new MixedWriter(source, seed).start();
             ControlStore store = ControlStore.open(target, ControlSpec.DEFAULT_SCHEMA)) {
            Process first = ChildProcess.start(directory, output, Map.of(), "run", plan.toString());
            await().atMost(Duration.ofMinutes(3)).until(() -> !first.isAlive() || chunksDone(store) > 0);
            await().atMost(Duration.ofMinutes(3)).until(() -> chunksDone(store) >= 20 + random.nextInt(100)
                    || !first.isAlive() || phase(store) != Phase.BACKFILL);
            assertThat(first.isAlive()).as("daemon output: %s", tail(output)).isTrue();
            String killedInBackfill = phase(store) + " after " + chunksDone(store) + " chunks";
            kill(first);

            Instant restarted = Instant.now();
            Process second = ChildProcess.start(directory, output, Map.of(), "run", plan.toString());
            await().atMost(Duration.ofMinutes(5)).until(() -> !second.isAlive() || streamingSince(store, restarted));
            assertThat(second.isAlive()).as("daemon output: %s", tail(output)).isTrue();
            Thread.sleep(1_000 + random.nextInt(4_000));
            String killedStreaming = phase(store) + " with " + store.stream(id(store)).map(StreamState::eventsApplied)
                    .orElse(0L) + " changes applied";
            kill(second);
            kills = List.of(killedInBackfill, killedStreaming);
            System.out.println("kill -9 points: " + kills);

            Instant last = Instant.now();
            Process third = ChildProcess.start(directory, output, Map.of(), "run", plan.toString());
            try {
                await().atMost(Duration.ofMinutes(3)).until(() -> !third.isAlive() || streamingSince(store, last));
                assertThat(third.isAlive()).as("daemon output: %s", tail(output)).isTrue();
                Thread.sleep(3_000);
                writer.close();
                assertThat(writer.writes()).as("the writer's statements").isGreaterThan(100);
                for (Table table : TABLES) {
                    awaitIdentical(source, target, table, third, output);
                }

                CommandRun clean = CommandRun.of("verify", plan.toString(), "--json");
                JsonNode report = new ObjectMapper().readTree(clean.stdout());
                assertThat(clean.exitCode()).as("verify: %s", clean.stdout()).isZero();
                assertThat(report.path("clean").asBoolean()).isTrue();
                for (JsonNode table : report.path("tables")) {
                    assertThat(table.path("sourceRows").asLong()).as(table.path("table").asText()).isPositive()
                            .isEqualTo(table.path("targetRows").asLong());
                }

                Map<String, Set<String>> mutated = mutate(target, random);
                CommandRun dirty = CommandRun.of("verify", plan.toString(), "--json", "--show", "100");
                assertThat(dirty.exitCode()).as("verify after mutations: %s", dirty.stdout()).isEqualTo(10);
                assertThat(reportedKeys(new ObjectMapper().readTree(dirty.stdout()))).isEqualTo(mutated);

                assertThat(Main.execute("stop", plan.toString())).isZero();
                assertThat(third.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(Main.execute("abort", "--yes", plan.toString())).isZero();
                assertThat(scalar(source, "SELECT count(*) FROM pg_replication_slots WHERE database = current_database()"))
                        .as("abort leaves no slot behind").isEqualTo("0");
            } finally {
                third.destroyForcibly();
            }
        }
        assertThat(kills.get(0)).as("first kill during the backfill").startsWith("BACKFILL");
        assertThat(kills.get(1)).as("second kill while streaming").startsWith("STREAMING");
    }

    /** 50 changes to the target: values changed, rows removed, rows added, values swapped between rows. */
    private static Map<String, Set<String>> mutate(Endpoint target, Random random) throws Exception {
        Map<String, Set<String>> keys = new TreeMap<>();
        for (Table table : TABLES) {
            keys.put(table.sql(), new HashSet<>());
        }
        int made = 0;
        while (made < 50) {
            Table table = TABLES.get(random.nextInt(TABLES.size()));
            List<String> existing = List.of(scalar(target, "SELECT string_agg(k, E'\\n') FROM (SELECT " + table.key()
                    + "::text AS k FROM " + table.sql() + " ORDER BY random() LIMIT 2) s").split("\n"));
            String a = existing.get(0);
            String b = existing.size() > 1 ? existing.get(1) : a;
            if (keys.get(table.sql()).contains(a) || keys.get(table.sql()).contains(b)) {
                continue;
            }
            String where = table.key() + " = " + literal(a);
            switch (random.nextInt(4)) {
                case 0 -> {
                    sql(target, "DELETE FROM " + table.sql() + " WHERE " + where);
                    keys.get(table.sql()).add(a);
                }
                case 1 -> {
                    String extra = table.sql().equals("public.codes") ? "zz-extra-" + made : String.valueOf(900_000 + made);
                    sql(target, "CREATE TEMP TABLE extra_row AS SELECT * FROM " + table.sql() + " WHERE " + where,
                            "UPDATE extra_row SET " + table.key() + " = " + literal(extra),
                            "INSERT INTO " + table.sql() + " SELECT * FROM extra_row");
                    keys.get(table.sql()).add(extra);
                }
                case 2 -> {
                    sql(target, "UPDATE " + table.sql() + " SET " + changedColumn(table) + " WHERE " + where);
                    keys.get(table.sql()).add(a);
                }
                default -> {
                    if (a.equals(b)) {
                        continue;
                    }
                    String column = swappedColumn(table);
                    sql(target, "UPDATE " + table.sql() + " AS t SET " + column + " = o." + column + " FROM "
                            + table.sql() + " AS o WHERE (t." + table.key() + ", o." + table.key() + ") IN (("
                            + literal(a) + ", " + literal(b) + "), (" + literal(b) + ", " + literal(a) + "))");
                    String same = scalar(target, "SELECT count(DISTINCT coalesce(" + column + "::text, '<null>')) FROM " + table.sql()
                            + " WHERE " + table.key() + " IN (" + literal(a) + ", " + literal(b) + ")");
                    if (!"1".equals(same)) {
                        keys.get(table.sql()).add(a);
                        keys.get(table.sql()).add(b);
                    }
                }
            }
            made++;
        }
        keys.values().removeIf(Set::isEmpty);
        return keys;
    }

    private static String changedColumn(Table table) {
        return switch (table.sql()) {
            case "public.kinds" -> "iv = coalesce(iv, '0') + interval '1 microsecond'";
            case "public.codes" -> "label = coalesce(label, '') || '!'";
            case "public.events" -> "at = coalesce(at, now()) + interval '1 microsecond'";
            case "public.blobs" -> "payload = overlay(payload placing 'Z' from 1048576 for 1)";
            default -> "\"ünïcødé\" = coalesce(\"ünïcødé\", '') || 'ü'";
        };
    }

    private static String swappedColumn(Table table) {
        return switch (table.sql()) {
            case "public.kinds" -> "jb";
            case "public.codes" -> "label";
            case "public.events" -> "kind";
            case "public.blobs" -> "payload";
            default -> "\"Quantity\"";
        };
    }

    private static String literal(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** The keys the report names, per table as SQL names it. */
    private static Map<String, Set<String>> reportedKeys(JsonNode report) {
        Map<String, Set<String>> keys = new TreeMap<>();
        Map<String, String> sqlNames = new HashMap<>();
        for (Table table : TABLES) {
            sqlNames.put(table.sql().replace("\"", ""), table.sql());
        }
        for (JsonNode table : report.path("tables")) {
            assertThat(table.path("unsettled").asInt()).as("undecided keys").isZero();
            Set<String> found = new HashSet<>();
            for (JsonNode difference : table.path("differences")) {
                found.add(difference.path("key").get(0).asText());
            }
            if (!found.isEmpty()) {
                String name = table.path("table").asText();
                keys.put(sqlNames.getOrDefault(name.replace("\"", ""), name), found);
            }
        }
        return keys;
    }

    private static void awaitIdentical(Endpoint source, Endpoint target, Table table, Process daemon, Path output)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        RowByRow.Result result;
        do {
            assertThat(daemon.isAlive()).as("daemon output: %s", tail(output)).isTrue();
            result = RowByRow.compare(source, table.sql(), target, table.sql(), table.orderBy());
            if (result.identical()) {
                return;
            }
            Thread.sleep(2_000);
        } while (System.nanoTime() < deadline);
        throw new AssertionError(table.sql() + " did not converge: " + result.differing() + " rows differ, e.g. "
                + String.join("\n", result.differences()).substring(0, 2_000));
    }

    private static void kill(Process process) throws InterruptedException {
        process.destroyForcibly();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }

    private static String tail(Path output) throws Exception {
        String text = Files.exists(output) ? Files.readString(output) : "";
        return text.substring(Math.max(0, text.length() - 4_000));
    }

    private static long id(ControlStore store) {
        return store.find(NAME).map(MigrationRecord::id).orElse(-1L);
    }

    private static Phase phase(ControlStore store) {
        return store.find(NAME).map(MigrationRecord::phase).orElse(Phase.PLANNED);
    }

    private static int chunksDone(ControlStore store) {
        long id = id(store);
        return id < 0 ? 0 : (int) store.chunks(id).stream().filter(ChunkRecord::done).count();
    }

    private static boolean streamingSince(ControlStore store, Instant since) {
        return phase(store) == Phase.STREAMING && store.stream(id(store)).flatMap(StreamState::reportedAt)
                .map(at -> at.isAfter(since)).orElse(false);
    }
}
