package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamAttachIT {

    private static final Duration PATIENCE = Duration.ofMinutes(3);
    private static final String TABLE = "(id integer PRIMARY KEY, note text)";

    @Test
    void aSlotInUseByAnotherStreamIsReportedByName() {
        try (StreamFixture db = new StreamFixture("inuse")) {
            db.source("CREATE TABLE items " + TABLE);
            db.target("CREATE TABLE items " + TABLE);
            db.createCapture("public.items");
            TableMove move = db.move("public", "items", new QualifiedName("public", "items"));

            try (PostgresChangeStream first = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move));
                 PostgresChangeStream second = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                first.start();
                await().atMost(PATIENCE).until(db::slotActive);
                second.start();

                await().atMost(PATIENCE).until(() -> second.failure().isPresent());
                Throwable failure = second.failure().orElseThrow();
                assertThat(failure).isInstanceOf(SafeshiftException.class);
                assertThat(((SafeshiftException) failure).kind()).isEqualTo(SafeshiftException.Kind.IN_USE);
                assertThat(failure.getMessage()).contains("'" + db.captureName + "'").contains("is active").contains("in use");
                assertThat(second.isRunning()).isFalse();

                // the stream that holds the slot is unaffected
                db.source("INSERT INTO items VALUES (1, 'still flowing')");
                await().atMost(PATIENCE).until(() -> StreamFixture.rows(db.target, "items", "id").size() == 1);
                assertThat(first.failure()).isEmpty();
                assertThat(first.isRunning()).isTrue();
            }
            assertThat(db.slotActive()).isFalse();
        }
    }

    @Test
    void aMissingSlotIsReportedWithWhatToDo() {
        try (StreamFixture db = new StreamFixture("noslot")) {
            db.source("CREATE TABLE items " + TABLE);
            db.target("CREATE TABLE items " + TABLE);
            TableMove move = db.move("public", "items", new QualifiedName("public", "items"));

            try (PostgresChangeStream stream = new PostgresChangeStream(db.source, db.target, db.captureName, List.of(move))) {
                stream.start();
                await().atMost(PATIENCE).until(() -> stream.failure().isPresent());
                SafeshiftException failure = (SafeshiftException) stream.failure().orElseThrow();
                assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.SOURCE_NOT_READY);
                assertThat(failure.getMessage()).contains("Replication slot '" + db.captureName + "' does not exist");
                assertThat(stream.isRunning()).isFalse();
            }
        }
    }
}
