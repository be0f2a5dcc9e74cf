package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.testing.EmbeddedPostgres;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.replication.LogSequenceNumber;

/**
 * The applier's transaction handling, fed with records shaped like the connector's, against a real
 * target: what is committed, what is rolled back, and what is confirmed to the slot.
 */
class BatchApplierIT {

    private static final Schema ROW = SchemaBuilder.struct().optional()
            .field("id", Schema.INT32_SCHEMA).field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("n", Schema.OPTIONAL_INT32_SCHEMA).build();
    private static final Schema SOURCE = SchemaBuilder.struct()
            .field("schema", Schema.STRING_SCHEMA).field("table", Schema.STRING_SCHEMA)
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct()
            .field("before", ROW).field("after", ROW).field("source", SOURCE).field("op", Schema.STRING_SCHEMA).build();
    private static final Schema TRANSACTION = SchemaBuilder.struct()
            .name("io.debezium.connector.common.TransactionMetadataValue")
            .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA).build();

    private final TableMove move = new TableMove(new TableInfo(new QualifiedName("public", "items"),
            List.of(new ColumnInfo("id", "integer", false, null), new ColumnInfo("note", "text", true, null),
                    new ColumnInfo("n", "integer", true, null)),
            List.of("id"), 0, 0, List.of()), new QualifiedName("public", "items"));
    private Endpoint target;
    private final Committer committer = new Committer();

    @BeforeEach
    void createTarget() {
        target = EmbeddedPostgres.newDatabase("applier_tgt");
        StreamFixture.run(target, "CREATE TABLE items (id integer PRIMARY KEY, note text, n integer)");
    }

    @Test
    void aTransactionSpanningBatchesCommitsOnlyAtItsEnd() throws Exception {
        try (Connection connection = targetConnection()) {
            BatchApplier applier = applier(connection, Optional.empty());
            applier.handleBatch(List.of(begin(), upsert(1, "a", 100)), committer);
            assertThat(targetRows()).isEmpty();
            assertThat(committer.marked).isEmpty();
            applier.handleBatch(List.of(upsert(2, "b", 110), end(200)), committer);
            assertThat(targetRows()).containsExactly("(1,a,)", "(2,b,)");
            assertThat(committer.markedCommits()).containsExactly(200L);
            assertThat(applier.progress().appliedPosition()).contains(LogSequenceNumber.valueOf(200).asString());
            assertThat(applier.progress().eventsApplied()).isEqualTo(2);
        }
    }

    @Test
    void transactionsTheTargetAlreadyHoldsAreRolledBackWhenReplayed() throws Exception {
        try (Connection connection = targetConnection()) {
            AppliedPositionTable.ensureExists(connection);
            applier(connection, Optional.empty()).handleBatch(List.of(begin(), upsert(1, "first", 100), end(200),
                    begin(), update(1, ValueConverter.UNAVAILABLE, 5, 220), end(250), begin(), delete(1, 300), end(400)),
                    committer);
            assertThat(targetRows()).isEmpty();

            // a new run streams both again from the slot, then something new
            Committer second = new Committer();
            BatchApplier restarted = applier(connection,
                    AppliedPositionTable.read(connection, "cap"));
            // (the partial update finds no row now, which is fine for a transaction already applied)
            restarted.handleBatch(List.of(begin(), upsert(1, "first", 100), end(200),
                    begin(), update(1, ValueConverter.UNAVAILABLE, 5, 220), end(250), begin(), delete(1, 300), end(400),
                    begin(), upsert(2, "new", 500), end(600)), second);
            assertThat(targetRows()).containsExactly("(2,new,)");
            assertThat(restarted.progress().eventsApplied()).isEqualTo(1);
            assertThat(AppliedPositionTable.read(connection, "cap").orElseThrow().eventsApplied()).isEqualTo(4);
            assertThat(second.markedCommits()).containsExactly(600L);
        }
    }

    @Test
    void aStreamThatRestartsInsideATransactionIsAppliedOnce() throws Exception {
        try (Connection connection = targetConnection()) {
            BatchApplier applier = applier(connection, Optional.empty());
            applier.handleBatch(List.of(begin(), upsert(1, "a", 100), upsert(2, "b", 110)), committer);
            // the connector reconnected and streams the transaction again from its start
            applier.handleBatch(List.of(begin(), upsert(1, "a", 100), upsert(2, "b", 110), delete(1, 120), end(200)),
                    committer);
            assertThat(targetRows()).containsExactly("(2,b,)");
            assertThat(applier.progress().eventsApplied()).isEqualTo(3);
        }
    }

    @Test
    void theSameKeyTwiceInOneBatchIsAppliedInOrder() throws Exception {
        try (Connection connection = targetConnection()) {
            BatchApplier applier = applier(connection, Optional.empty());
            applier.handleBatch(List.of(begin(), upsert(1, "a", 100), upsert(2, "x", 101), upsert(1, "b", 102),
                    upsert(1, "c", 103), delete(2, 104), upsert(2, "y", 105), end(200)), committer);
            assertThat(targetRows()).containsExactly("(1,c,)", "(2,y,)");
        }
    }

    @Test
    void valuesTheLogLeftOutAreKeptAndARowTheTargetLacksStopsTheStream() throws Exception {
        try (Connection connection = targetConnection()) {
            BatchApplier applier = applier(connection, Optional.empty());
            applier.handleBatch(List.of(begin(), upsert(1, "large", 100), end(200)), committer);
            applier.handleBatch(List.of(begin(), update(1, ValueConverter.UNAVAILABLE, 7, 300), end(400)), committer);
            assertThat(targetRows()).containsExactly("(1,large,7)");

            assertThatThrownBy(() -> applier.handleBatch(List.of(begin(), update(9, ValueConverter.UNAVAILABLE, 1, 500),
                    end(600)), committer))
                    .isInstanceOf(BatchApplier.ApplyException.class).hasMessageContaining("no row");
            assertThat(targetRows()).containsExactly("(1,large,7)");
            assertThat(AppliedPositionTable.read(connection, "cap").orElseThrow().commitLsn()).isEqualTo(400);
        }
    }

    @Test
    void aKeyChangeMovesValuesTheLogLeftOutAndIsHarmlessWhenReplayed() throws Exception {
        try (Connection connection = targetConnection()) {
            List<RecordChangeEvent<SourceRecord>> log = List.of(begin(), upsert(5, "large", 100), end(200),
                    begin(), rekeyDelete(5, 300), rekeyUpdate(5, 6, ValueConverter.UNAVAILABLE, 1, 300), end(400),
                    begin(), upsert(5, "again", 500), end(600));
            applier(connection, Optional.empty()).handleBatch(log, committer);
            assertThat(targetRows()).containsExactly("(5,again,)", "(6,large,1)");

            // replayed: the key change finds both keys taken now, and must neither fail nor apply
            BatchApplier restarted = applier(connection, AppliedPositionTable.read(connection, "cap"));
            restarted.handleBatch(log, new Committer());
            assertThat(targetRows()).containsExactly("(5,again,)", "(6,large,1)");
            assertThat(restarted.progress().eventsApplied()).isZero();
        }
    }

    @Test
    void aTransactionWithOnlyThisCapturesMarkAdvancesTheAppliedPosition() throws Exception {
        try (Connection connection = targetConnection()) {
            BatchApplier applier = applier(connection, Optional.empty());
            applier.handleBatch(List.of(begin(), upsert(1, "a", 100), end(200)), committer);
            applier.handleBatch(List.of(begin(), message("safeshift", "cap"), end(300)), committer);
            AppliedPositionTable.AppliedPosition position = AppliedPositionTable.read(connection, "cap").orElseThrow();
            assertThat(position.commitLsn()).isEqualTo(300);
            assertThat(position.eventLsn()).as("last row change").isEqualTo(100);
            assertThat(position.eventsApplied()).isEqualTo(1);
            assertThat(applier.progress().eventsApplied()).isEqualTo(1);
            assertThat(committer.markedCommits()).containsExactly(200L, 300L);

            // other captures' marks, other prefixes and a mark outside a transaction change nothing
            applier.handleBatch(List.of(begin(), message("safeshift", "cap_other"), end(400),
                    begin(), message("other_tool", "cap"), end(500), message("safeshift", "cap")), committer);
            assertThat(AppliedPositionTable.read(connection, "cap").orElseThrow().commitLsn()).isEqualTo(300);
            assertThat(applier.progress().appliedPosition()).contains(LogSequenceNumber.valueOf(500).asString());

            // replayed after a restart, the mark's transaction is recognised as applied
            BatchApplier restarted = applier(connection, AppliedPositionTable.read(connection, "cap"));
            Committer second = new Committer();
            restarted.handleBatch(List.of(begin(), message("safeshift", "cap"), end(300)), second);
            assertThat(AppliedPositionTable.read(connection, "cap").orElseThrow()).isEqualTo(position);
        }
    }

    private BatchApplier applier(Connection connection, Optional<AppliedPositionTable.AppliedPosition> start)
            throws SQLException {
        AppliedPositionTable.ensureExists(connection);
        connection.commit();
        return new BatchApplier("cap", connection, new RecordReader("cap", List.of(move)), start);
    }

    private Connection targetConnection() throws SQLException {
        Connection connection = EmbeddedPostgres.connect(target);
        connection.setAutoCommit(false);
        return connection;
    }

    private List<String> targetRows() {
        return StreamFixture.rows(target, "items", "id");
    }

    private static RecordChangeEvent<SourceRecord> begin() {
        return event(new SourceRecord(Map.of(), Map.of("lsn", 1L), "t", null, TRANSACTION,
                new Struct(TRANSACTION).put("status", "BEGIN").put("id", "1")));
    }

    private static RecordChangeEvent<SourceRecord> end(long commitLsn) {
        return event(new SourceRecord(Map.of(), Map.of("lsn_commit", commitLsn), "t", null, TRANSACTION,
                new Struct(TRANSACTION).put("status", "END").put("id", "1")));
    }

    private static final Schema MESSAGE_BLOCK = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Message")
            .field("prefix", Schema.OPTIONAL_STRING_SCHEMA).field("content", Schema.OPTIONAL_BYTES_SCHEMA).build();
    private static final Schema MESSAGE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.MessageValue")
            .field("op", Schema.STRING_SCHEMA).field("message", MESSAGE_BLOCK).build();

    /** A logical decoding message as the connector delivers it with binary.handling.mode=bytes. */
    private static RecordChangeEvent<SourceRecord> message(String prefix, String content) {
        Struct value = new Struct(MESSAGE).put("op", "m").put("message", new Struct(MESSAGE_BLOCK)
                .put("prefix", prefix).put("content", ByteBuffer.wrap(content.getBytes(StandardCharsets.UTF_8))));
        return event(new SourceRecord(Map.of(), Map.of("lsn", 1L), "t", null, MESSAGE, value));
    }

    private static RecordChangeEvent<SourceRecord> upsert(int id, String note, long lsn) {
        Struct value = new Struct(ENVELOPE).put("after", new Struct(ROW).put("id", id).put("note", note))
                .put("source", source(lsn)).put("op", "c");
        return event(new SourceRecord(Map.of(), Map.of("lsn", lsn), "t", null, ENVELOPE, value));
    }

    private static RecordChangeEvent<SourceRecord> update(int id, String note, int n, long lsn) {
        Struct value = new Struct(ENVELOPE).put("after", new Struct(ROW).put("id", id).put("note", note).put("n", n))
                .put("source", source(lsn)).put("op", "u");
        return event(new SourceRecord(Map.of(), Map.of("lsn", lsn), "t", null, ENVELOPE, value));
    }

    private static final Schema KEY = SchemaBuilder.struct().field("id", Schema.INT32_SCHEMA).build();

    /** The two records Debezium makes of an update that changes the primary key. */
    private static RecordChangeEvent<SourceRecord> rekeyDelete(int oldId, long lsn) {
        SourceRecord record = delete(oldId, lsn).record();
        record.headers().add("__debezium.newkey", new Struct(KEY).put("id", oldId + 1), KEY);
        return event(record);
    }

    private static RecordChangeEvent<SourceRecord> rekeyUpdate(int oldId, int newId, String note, int n, long lsn) {
        Struct value = new Struct(ENVELOPE).put("after", new Struct(ROW).put("id", newId).put("note", note).put("n", n))
                .put("source", source(lsn)).put("op", "c");
        SourceRecord record = new SourceRecord(Map.of(), Map.of("lsn", lsn), "t", null, ENVELOPE, value);
        record.headers().add("__debezium.oldkey", new Struct(KEY).put("id", oldId), KEY);
        return event(record);
    }

    private static RecordChangeEvent<SourceRecord> delete(int id, long lsn) {
        Struct value = new Struct(ENVELOPE).put("before", new Struct(ROW).put("id", id))
                .put("source", source(lsn)).put("op", "d");
        return event(new SourceRecord(Map.of(), Map.of("lsn", lsn), "t", null, ENVELOPE, value));
    }

    private static Struct source(long lsn) {
        return new Struct(SOURCE).put("schema", "public").put("table", "items").put("lsn", lsn)
                .put("ts_ms", System.currentTimeMillis());
    }

    private static RecordChangeEvent<SourceRecord> event(SourceRecord record) {
        return () -> record;
    }

    /** Remembers what the applier confirmed, as Debezium's committer would pass it to the slot. */
    private static final class Committer implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
        final List<SourceRecord> marked = new ArrayList<>();

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record) {
            marked.add(record.record());
        }

        @Override
        public void markBatchFinished() {
        }

        @Override
        public void markProcessed(RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
            markProcessed(record);
        }

        @Override
        public DebeziumEngine.Offsets buildOffsets() {
            // the applier confirms positions record by record and never asks for a whole offset set
            throw new UnsupportedOperationException("buildOffsets is not used by the applier");
        }

        List<Long> markedCommits() {
            return marked.stream().map(r -> (Long) r.sourceOffset().get("lsn_commit")).toList();
        }
    }
}
