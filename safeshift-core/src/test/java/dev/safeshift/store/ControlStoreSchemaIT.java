package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ControlStoreSchemaIT {

    private static final StoreDialect POSTGRES = new PostgresStoreDialect();

    @Test
    void createsItsTablesFromScratchAndReopensWithoutMigratingAgain() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("schema");
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            store.register("orders", "{}");
        }
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            assertThat(store.find("orders")).isPresent();
        }

        assertThat(tables(database, "safeshift")).contains("migration", "phase_change", "chunk", "stream", "request", "timeline",
                "verification", "route", "router", "router_sample",
                "trigger_baseline", "trigger_evaluation");
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery(
                     "SELECT version, success FROM safeshift.flyway_schema_history WHERE version IS NOT NULL"
                             + " ORDER BY installed_rank")) {
            for (String version : List.of("1", "2", "3", "4", "5", "6")) {
                assertThat(rows.next()).isTrue();
                assertThat(rows.getString("version")).isEqualTo(version);
                assertThat(rows.getBoolean("success")).isTrue();
            }
            assertThat(rows.next()).as("a second open applies no migration again").isFalse();
        }
    }

    @Test
    void theShippedScriptsAreExactlyWhatACurrentStoreRecords() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("schema_current");
        try (Connection connection = EmbeddedPostgres.connect(database)) {
            assertThat(StoreSchema.isCurrent(connection, POSTGRES, "safeshift")).as("no store yet").isFalse();
            ControlStore.open(database, "safeshift").close();
            // Flyway wrote the history from the scripts themselves: a script added or edited
            // without updating PostgresStoreDialect's checksums fails here
            assertThat(StoreSchema.isCurrent(connection, POSTGRES, "safeshift")).isTrue();
        }
    }

    @Test
    void aStoreOneVersionBehindIsUpgradedWhenOpened() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("schema_behind");
        long id;
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            id = store.register("upgraded", "{}").id();
            store.saveStream(id, "safeshift_upgraded_fwd", "safeshift_upgraded_fwd", "0/1");
        }
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement()) {
            // back to version 3: one stream per migration, no route
            statement.execute("DROP TABLE safeshift.trigger_evaluation, safeshift.trigger_baseline, safeshift.router_sample,"
                    + " safeshift.router, safeshift.route");
            statement.execute("ALTER TABLE safeshift.stream DROP CONSTRAINT stream_pkey, DROP COLUMN direction,"
                    + " ADD PRIMARY KEY (migration_id)");
            statement.execute("DELETE FROM safeshift.flyway_schema_history WHERE version IN ('4', '5', '6')");
            assertThat(StoreSchema.isCurrent(connection, POSTGRES, "safeshift")).isFalse();
        }

        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            assertThat(store.stream(id).orElseThrow().slotName()).as("the stream a version 3 store held is the forward one")
                    .isEqualTo("safeshift_upgraded_fwd");
            store.recordCapture(id, Direction.REVERSE, "safeshift_upgraded_rev", "safeshift_upgraded_rev",
                    java.util.Optional.empty(), java.util.Optional.empty());
            assertThat(store.stream(id, Direction.REVERSE).orElseThrow().slotName()).isEqualTo("safeshift_upgraded_rev");
            assertThat(store.stream(id).orElseThrow().slotName()).isEqualTo("safeshift_upgraded_fwd");
        }
        try (Connection connection = EmbeddedPostgres.connect(database)) {
            assertThat(StoreSchema.isCurrent(connection, POSTGRES, "safeshift")).isTrue();
        }
    }

    @Test
    void keepsEverythingInTheConfiguredSchema() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("schema_name");
        try (ControlStore store = ControlStore.open(database, "ops_control")) {
            MigrationRecord migration = store.register("orders", "{}");
            store.setPhase(migration.id(), Phase.BACKFILL, "started");
            assertThat(store.verifyTimeline(migration.id()).ok()).isTrue();
        }

        assertThat(tables(database, "ops_control")).contains("migration", "timeline");
        assertThat(tables(database, "public")).isEmpty();
        assertThat(tables(database, "safeshift")).isEmpty();
    }

    @Test
    void opensOnlyOneConnectionThatStaysOpen() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("schema_connections");
        try (ControlStore store = ControlStore.open(database, "safeshift")) {
            store.register("orders", "{}");

            assertThat(connectionsTo(database)).as("schema migration closes its own connections").isEqualTo(1);
        }
        // a closed connection's server process exits shortly after, not at once
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (connectionsTo(database) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(connectionsTo(database)).isZero();
    }

    @Test
    void aUserWhoMayNotCreateTheSchemaIsToldSo() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("schema_denied");
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'safeshift_reader')"
                    + " THEN CREATE ROLE safeshift_reader LOGIN PASSWORD 'reader'; END IF; END $$");
        }
        Endpoint reader = reader(database);

        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> ControlStore.open(reader, "safeshift"));

        assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
        String name = database.url().substring(database.url().lastIndexOf('/') + 1);
        assertThat(failure.getMessage()).isEqualTo("user 'safeshift_reader' may not create the control store schema"
                + " 'safeshift' in database '" + name + "' at " + database.redactedUrl() + ". Grant it (GRANT CREATE ON DATABASE "
                + name + " TO safeshift_reader), or create the schema beforehand with that user as its owner.");
        assertThat(failure.getMessage()).doesNotContain("\n");
    }

    @Test
    void aUserWithoutRightsInAnExistingSchemaIsToldSo() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("schema_foreign");
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'safeshift_reader')"
                    + " THEN CREATE ROLE safeshift_reader LOGIN PASSWORD 'reader'; END IF; END $$");
            statement.execute("CREATE SCHEMA safeshift");
        }

        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> ControlStore.open(reader(database), "safeshift"));

        assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
        assertThat(failure.getMessage()).startsWith("user 'safeshift_reader' may not create the control store's tables"
                + " in the existing schema 'safeshift'").contains("GRANT CREATE, USAGE ON SCHEMA safeshift TO safeshift_reader");
    }

    @Test
    void aStoreWhoseRecordedSchemaVersionWasAlteredIsRefused() throws Exception {
        Endpoint database = EmbeddedPostgres.newDatabase("schema_altered");
        ControlStore.open(database, "safeshift").close();
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement()) {
            statement.execute("UPDATE safeshift.flyway_schema_history SET checksum = checksum + 1 WHERE version = '1'");
        }

        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> ControlStore.open(database, "safeshift"));

        assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.STATE);
        assertThat(failure.getMessage()).startsWith("could not create or upgrade the control store schema 'safeshift' at "
                + database.redactedUrl() + " (").doesNotContain("\n");
    }

    private static long connectionsTo(Endpoint database) throws Exception {
        String name = database.url().substring(database.url().lastIndexOf('/') + 1);
        try (Connection connection = EmbeddedPostgres.connect(Endpoint.of(EmbeddedPostgres.url("postgres"), "postgres"));
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE datname = '" + name + "'")) {
            rows.next();
            return rows.getLong(1);
        }
    }

    private static List<String> tables(Endpoint database, String schema) throws Exception {
        try (Connection connection = EmbeddedPostgres.connect(database);
             Statement statement = connection.createStatement();
             ResultSet rows = statement.executeQuery("SELECT table_name FROM information_schema.tables"
                     + " WHERE table_schema = '" + schema + "' ORDER BY table_name")) {
            List<String> names = new ArrayList<>();
            while (rows.next()) {
                names.add(rows.getString(1));
            }
            return names;
        }
    }

    /** The test server asks every role but the superuser for its password. */
    private static Endpoint reader(Endpoint database) {
        return new Endpoint(database.url(), "safeshift_reader", Optional.empty(), Optional.of("reader"));
    }
}
