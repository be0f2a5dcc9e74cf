package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.SchemaChange;
import dev.safeshift.engine.SchemaChangedException;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The change stream stops before the first change whose columns are not the move's, with every
 * change before it applied and nothing after it.
 */
class SchemaChangeStreamIT {

    private static final Duration PATIENCE = Duration.ofMinutes(2);
    private static final String TABLE = "(id integer PRIMARY KEY, n integer, label varchar(20))";

    @Test
    void stopsBeforeTheFirstChangeAfterAnAlterWithEverythingBeforeItApplied() {
        try (StreamFixture db = new StreamFixture("altered")) {
            db.source("CREATE TABLE items " + TABLE, "INSERT INTO items SELECT g, g, 'l' || g FROM generate_series(1, 10) g");
            db.target("CREATE TABLE items " + TABLE, "INSERT INTO items SELECT g, g, 'l' || g FROM generate_series(1, 10) g");
            db.createCapture("public.items");
            TableMove move = db.move("public", "items", new QualifiedName("public", "items"));
            db.source("UPDATE items SET n = -1 WHERE id = 1", "UPDATE items SET n = -2 WHERE id = 2",
                    "ALTER TABLE items ADD COLUMN extra text",
                    "UPDATE items SET n = -3, extra = 'after' WHERE id = 3",
                    "UPDATE items SET n = -4 WHERE id = 4");
            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                stream.start();
                SchemaChange change = awaitSchemaChange(stream);
                assertThat(change.added()).extracting(SchemaChange.NewColumn::name).containsExactly("extra");
                assertThat(change.automatic()).isTrue();
            }
            assertThat(StreamFixture.rows(db.target, "items", "id").subList(0, 4))
                    .containsExactly("(1,-1,l1)", "(2,-2,l2)", "(3,3,l3)", "(4,4,l4)");
            assertThat(db.appliedPosition()).as("the two updates before the ALTER committed").isPresent()
                    .hasValueSatisfying(position -> assertThat(position[2]).isEqualTo(2));
        }
    }

    @Test
    void aWiderVarcharIsARetypeAndStreamsOnOnceTheTargetHasIt() {
        try (StreamFixture db = new StreamFixture("widened")) {
            db.source("CREATE TABLE items " + TABLE);
            db.target("CREATE TABLE items " + TABLE);
            db.createCapture("public.items");
            TableMove move = db.move("public", "items", new QualifiedName("public", "items"));
            db.source("INSERT INTO items VALUES (1, 1, 'one')", "ALTER TABLE items ALTER COLUMN label TYPE varchar(40)",
                    "INSERT INTO items VALUES (2, 2, 'a label longer than twenty')");
            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                stream.start();
                SchemaChange change = awaitSchemaChange(stream);
                assertThat(change.retyped()).containsExactly(
                        new SchemaChange.Retyped("label", "character varying(20)", "character varying(40)"));
                assertThat(change.automatic()).isFalse();
            }
            // A retype is told from the catalog, which may be ahead of the change in hand: the stream
            // may stop before changes written with the old type, which then apply with the new one.
            assertThat(StreamFixture.rows(db.target, "items", "id")).isSubsetOf("(1,1,one)");

            db.target("ALTER TABLE items ALTER COLUMN label TYPE varchar(40)");
            TableMove retyped = db.move("public", "items", new QualifiedName("public", "items"));
            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(retyped))) {
                stream.start();
                PostgresChangeStreamIT.awaitSame(db, stream, "items", "items");
            }
        }
    }

    @Test
    void anAlterBetweenChangesOfOneTransactionStopsAtTheLastCommitAndLosesNothing() {
        try (StreamFixture db = new StreamFixture("midway")) {
            db.source("CREATE TABLE items " + TABLE);
            db.target("CREATE TABLE items " + TABLE);
            db.createCapture("public.items");
            TableMove move = db.move("public", "items", new QualifiedName("public", "items"));
            db.source("INSERT INTO items VALUES (1, 1, 'one')");
            db.sourceTransaction("INSERT INTO items VALUES (2, 2, 'two')", "ALTER TABLE items DROP COLUMN n",
                    "INSERT INTO items VALUES (3, 'three')");
            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                stream.start();
                SchemaChange change = awaitSchemaChange(stream);
                assertThat(change.dropped()).containsExactly("n");
                assertThat(change.message()).contains("column \"n\" dropped")
                        .contains("DROP COLUMN \"n\"").contains("nothing after it is lost");
            }
            // an open group that held part of the altering transaction was rolled back whole; nothing of
            // that transaction is in the target
            assertThat(StreamFixture.rows(db.target, "items", "id")).isSubsetOf("(1,1,one)");

            db.target("ALTER TABLE items DROP COLUMN n");
            TableMove dropped = db.move("public", "items", new QualifiedName("public", "items"));
            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(dropped))) {
                stream.start();
                PostgresChangeStreamIT.awaitSame(db, stream, "items", "items");
            }
            assertThat(StreamFixture.rows(db.target, "items", "id")).containsExactly("(1,one)", "(2,two)", "(3,three)");
        }
    }

    @Test
    void aColumnAddedWithTheNameOfAnotherButForCaseStopsWithWhatToDo() {
        try (StreamFixture db = new StreamFixture("cased")) {
            db.source("CREATE TABLE items " + TABLE);
            db.target("CREATE TABLE items " + TABLE);
            db.createCapture("public.items");
            TableMove move = db.move("public", "items", new QualifiedName("public", "items"));
            db.source("INSERT INTO items VALUES (1, 1, 'one')", "ALTER TABLE items ADD COLUMN \"N\" integer",
                    "INSERT INTO items VALUES (2, 2, 'two', 2)");
            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                stream.start();
                await().atMost(PATIENCE).until(() -> stream.failure().isPresent());
                assertThat(stream.failure().get()).isInstanceOfSatisfying(SafeshiftException.class,
                        e -> assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.UNSUPPORTED_TABLE))
                        .hasMessageContaining("cannot tell such columns apart").hasMessageContaining("Rename one");
            }
        }
    }

    private static SchemaChange awaitSchemaChange(PostgresChangeStream stream) {
        await().atMost(PATIENCE).until(() -> stream.failure().isPresent());
        assertThat(stream.failure().get()).isInstanceOf(SchemaChangedException.class);
        return ((SchemaChangedException) stream.failure().get()).change();
    }
}
