package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

/**
 * Watermarks through a real stream. The source is read and marked by a role with LOGIN and
 * REPLICATION only (no superuser), as the engine is expected to run in production.
 */
class SourceLogMarkIT {

    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final String TABLE = "(id integer PRIMARY KEY, n integer NOT NULL)";
    private static final String ROLE = "mark_mover";
    private static final String PASSWORD = "mark-secret";

    @Test
    void markIsAppliedByAnIdleStreamWithinSeconds() {
        try (StreamFixture db = new StreamFixture("mark_idle"); Setup setup = new Setup(db)) {
            String early = setup.engine.markSourceLog(db.captureName);
            assertThat(setup.engine.hasApplied(db.captureName, early)).as("no stream has run against the target").isFalse();

            try (PostgresChangeStream stream = setup.openStream()) {
                stream.start();
                await().atMost(PATIENCE).until(() -> stream.failure().isPresent() || db.slotActive());
                String mark = setup.engine.markSourceLog(db.captureName);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(50))
                        .until(() -> stream.failure().isPresent() || setup.engine.hasApplied(db.captureName, mark));
                assertThat(stream.failure()).isEmpty();
                assertThat(setup.engine.hasApplied(db.captureName, early)).isTrue();

                // a mark is no change: counts stay, and the stream still reads as idle, not behind
                assertThat(stream.progress().eventsApplied()).isZero();
                assertThat(stream.progress().lastAppliedAt()).isEmpty();
                assertThat(setup.engine.lag(db.captureName, stream.progress()).millis()).isZero();
                assertThat(db.appliedPosition().orElseThrow()[2]).isZero();
            }
        }
    }

    @Test
    void updateCommittedBeforeTheMarkIsInTheTargetTheMomentTheMarkIsApplied() {
        try (StreamFixture db = new StreamFixture("mark_order"); Setup setup = new Setup(db)) {
            db.source("INSERT INTO app.item SELECT g, 0 FROM generate_series(1, 20) g");
            try (PostgresChangeStream stream = setup.openStream()) {
                stream.start();
                for (int round = 1; round <= 20; round++) {
                    db.source("UPDATE app.item SET n = " + round + " WHERE id = " + round);
                    String mark = setup.engine.markSourceLog(db.captureName);
                    // no extra wait: the first time the mark reads as applied, the update must be there
                    await().atMost(PATIENCE).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(2))
                            .until(() -> stream.failure().isPresent() || setup.engine.hasApplied(db.captureName, mark));
                    assertThat(stream.failure()).isEmpty();
                    assertThat(StreamFixture.count(db.target, "SELECT n FROM app_item WHERE id = " + round))
                            .as("row %d once mark %s is applied", round, mark).isEqualTo(round);
                }
                assertThat(stream.progress().eventsApplied()).isEqualTo(40);
            }
        }
    }

    @Test
    void messagesOfOtherCapturesAndPrefixesDoNotAdvanceTheCapture() {
        try (StreamFixture db = new StreamFixture("mark_other"); Setup setup = new Setup(db)) {
            try (PostgresChangeStream stream = setup.openStream()) {
                stream.start();
                String own = setup.engine.markSourceLog(db.captureName);
                await().atMost(PATIENCE).until(() -> stream.failure().isPresent() || setup.engine.hasApplied(db.captureName, own));
                long appliedBefore = db.appliedPosition().orElseThrow()[0];

                String other = StreamFixture.text(setup.source, "SELECT pg_logical_emit_message(true, 'safeshift', '"
                        + db.captureName + "_other')::text");
                String prefix = StreamFixture.text(setup.source, "SELECT pg_logical_emit_message(true, 'another_tool', '"
                        + db.captureName + "')::text");
                String outside = StreamFixture.text(setup.source, "SELECT pg_logical_emit_message(false, 'safeshift', '"
                        + db.captureName + "')::text");
                String last = StreamFixture.text(setup.source, "SELECT pg_logical_emit_message(true, 'safeshift', '"
                        + db.captureName.toUpperCase() + "')::text");

                // The stream reports passing a transaction with nothing to apply once it has read it:
                // from then on, all the messages above have been through the stream.
                await().atMost(PATIENCE).until(() -> stream.failure().isPresent() || stream.progress().appliedPosition()
                        .map(p -> LogSequenceNumber.valueOf(p).compareTo(LogSequenceNumber.valueOf(last)) >= 0).orElse(false));
                assertThat(stream.failure()).isEmpty();
                assertThat(stream.isRunning()).isTrue();
                assertThat(db.appliedPosition().orElseThrow()[0]).as("applied commit position").isEqualTo(appliedBefore);
                for (String position : List.of(other, prefix, outside, last)) {
                    assertThat(setup.engine.hasApplied(db.captureName, position)).as(position).isFalse();
                }

                // and the capture's own marks still work afterwards
                String again = setup.engine.markSourceLog(db.captureName);
                await().atMost(PATIENCE).until(() -> stream.failure().isPresent() || setup.engine.hasApplied(db.captureName, again));
                assertThat(stream.failure()).isEmpty();
            }
        }
    }

    @Test
    void markWrittenWhileTheStreamIsStoppedIsAppliedAfterItRestarts() throws Exception {
        try (StreamFixture db = new StreamFixture("mark_stop"); Setup setup = new Setup(db)) {
            db.source("INSERT INTO app.item VALUES (1, 0)");
            try (PostgresChangeStream first = setup.openStream()) {
                first.start();
                String mark = setup.engine.markSourceLog(db.captureName);
                await().atMost(PATIENCE).until(() -> first.failure().isPresent() || setup.engine.hasApplied(db.captureName, mark));
                assertThat(first.failure()).isEmpty();
            }

            db.source("UPDATE app.item SET n = 7 WHERE id = 1");
            String whileStopped = setup.engine.markSourceLog(db.captureName);
            for (int i = 0; i < 10; i++) {
                assertThat(setup.engine.hasApplied(db.captureName, whileStopped)).isFalse();
                Thread.sleep(200);
            }

            try (PostgresChangeStream second = setup.openStream()) {
                second.start();
                await().atMost(PATIENCE).pollInterval(Duration.ofMillis(5))
                        .until(() -> second.failure().isPresent() || setup.engine.hasApplied(db.captureName, whileStopped));
                assertThat(second.failure()).isEmpty();
                assertThat(StreamFixture.count(db.target, "SELECT n FROM app_item WHERE id = 1")).isEqualTo(7);
            }
        }
    }

    @Test
    void missingPermissionToWriteMarksSaysWhatToGrant() {
        try (StreamFixture db = new StreamFixture("mark_grant"); Setup setup = new Setup(db)) {
            db.source("REVOKE EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, bytea) FROM PUBLIC");
            assertThatThrownBy(() -> setup.engine.markSourceLog(db.captureName))
                    .isInstanceOfSatisfying(SafeshiftException.class,
                            e -> assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.SOURCE_NOT_READY))
                    .hasMessageContaining("GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, bytea) TO \""
                            + ROLE + "\";");

            db.source("GRANT EXECUTE ON FUNCTION pg_logical_emit_message(boolean, text, bytea) TO " + ROLE);
            assertThat(LogSequenceNumber.valueOf(setup.engine.markSourceLog(db.captureName)).asLong()).isPositive();
        }
    }

    /**
     * A moved table {@code app.item}, its capture, and an engine whose source user is a role with
     * LOGIN REPLICATION and a password, owning the moved table.
     */
    private static final class Setup implements AutoCloseable {
        final Endpoint source;
        final Engine engine;
        final TableMove move;
        private final StreamFixture db;

        Setup(StreamFixture db) {
            this.db = db;
            db.source("DO $$ BEGIN CREATE ROLE " + ROLE + " LOGIN REPLICATION PASSWORD '" + PASSWORD + "'; "
                            + "EXCEPTION WHEN duplicate_object THEN NULL; END $$",
                    "CREATE SCHEMA app AUTHORIZATION " + ROLE,
                    "CREATE TABLE app.item " + TABLE,
                    "ALTER TABLE app.item OWNER TO " + ROLE);
            db.target("CREATE TABLE app_item " + TABLE);
            db.createCapture("app.item");
            this.source = new Endpoint(db.source.url(), ROLE, Optional.empty(), Optional.of(PASSWORD));
            this.engine = Engines.forEndpoints(source, db.target);
            this.move = db.move("app", "item", new QualifiedName("public", "app_item"));
        }

        PostgresChangeStream openStream() {
            return new PostgresChangeStream(source, db.target, db.captureName, List.of(move));
        }

        @Override
        public void close() {
            engine.close();
        }
    }
}
