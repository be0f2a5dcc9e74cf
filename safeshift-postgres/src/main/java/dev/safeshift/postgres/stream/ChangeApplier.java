package dev.safeshift.postgres.stream;

import dev.safeshift.LogValues;
import dev.safeshift.postgres.Sql;
import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.postgres.stream.StreamEvent.RowChange;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Applies row changes to the target as idempotent statements, in log order, inside the caller's
 * transaction. Consecutive statements of the same shape go out as one JDBC batch (and, for
 * upserts, as multi-row inserts via the driver's batch rewriting).
 */
final class ChangeApplier implements AutoCloseable {

    private static final int CACHED_STATEMENTS = 64;

    private final Connection connection;
    /** Characters of parameters the pending batch may hold before it is sent (see {@link MemoryBudget}). */
    private final long flushChars;
    private final Map<Shape, PreparedStatement> statements = new LinkedHashMap<>(16, 0.75f, true);
    private Shape batchShape;
    private PreparedStatement batch;
    private int batchSize;
    private long batchChars;
    /** Keys in the pending upsert batch: a multi-row upsert must not touch one row twice. */
    private final Set<List<String>> batchKeys = new HashSet<>();
    /** Keys of the pending partial updates, in batch order, to tell which found no row. */
    private final List<String> batchUpdates = new ArrayList<>();
    private final List<String> missedUpdates = new ArrayList<>();

    ChangeApplier(Connection connection) {
        this(connection, MemoryBudget.current().applyChars());
    }

    ChangeApplier(Connection connection, long flushChars) {
        this.connection = connection;
        this.flushChars = flushChars;
    }

    void apply(RowChange change) throws SQLException {
        TableMove move = change.move();
        switch (change.kind()) {
            case DELETE -> add(Shape.delete(move), change.key(), change.key());
            case DELETE_BEFORE_REKEY -> {
                // the following upsert carries the old key and moves the row itself
            }
            case UPSERT -> upsert(change, move);
        }
    }

    private void upsert(RowChange change, TableMove move) throws SQLException {
        if (change.complete()) {
            if (change.rekey()) {
                add(Shape.delete(move), change.oldKey(), change.oldKey());
            }
            // a change written before a column was added carries fewer columns than the move
            Shape shape = change.columns().size() == move.source().writtenColumns().size() ? Shape.upsert(move)
                    : Shape.upsert(move, change.columns());
            add(shape, change.values(), change.key());
            return;
        }
        // Unchanged TOASTed values were not in the log: update only what is there, and when the key
        // changed, move the row so the values the log left out travel with it.
        List<String> keyColumns = move.source().primaryKey();
        List<String> setColumns = new ArrayList<>();
        List<String> parameters = new ArrayList<>();
        for (int i = 0; i < change.columns().size(); i++) {
            String column = change.columns().get(i);
            if (change.rekey() || !keyColumns.contains(column)) {
                setColumns.add(column);
                parameters.add(change.values().get(i));
            }
        }
        if (setColumns.isEmpty()) {
            return;
        }
        List<String> where = change.rekey() ? change.oldKey() : change.key();
        parameters.addAll(where);
        if (change.rekey()) {
            // A replayed key change may find both keys taken by later changes; it must then do
            // nothing rather than fail (the replay is rolled back, a real miss is reported).
            parameters.addAll(change.key());
        }
        add(Shape.update(move, setColumns, change.rekey()), parameters, change.key());
        // the key is row data, named only when values were asked for
        batchUpdates.add(LogValues.enabled() ? move.target() + " " + where : move.target().toString());
    }

    void truncate(TableMove move) throws SQLException {
        flush();
        try (Statement statement = connection.createStatement()) {
            statement.execute("TRUNCATE " + Sql.table(move.target()));
        }
    }

    /** Sends the pending batch; call before commit. */
    void flush() throws SQLException {
        if (batch != null && batchSize > 0) {
            int[] counts = batch.executeBatch();
            for (int i = 0; i < batchUpdates.size() && i < counts.length; i++) {
                if (counts[i] == 0) {
                    missedUpdates.add(batchUpdates.get(i));
                }
            }
        }
        resetBatch();
    }

    /** Forgets the pending batch and what was noticed since the last commit, before a rollback. */
    void discard() throws SQLException {
        if (batch != null) {
            batch.clearBatch();
        }
        resetBatch();
        missedUpdates.clear();
    }

    /**
     * Partial updates (values left out of the log) that found no row to update, since the last
     * {@link #discard()} or {@link #committed()}. Such a row cannot be rebuilt from the log: the
     * target has fallen out of step with the source.
     */
    List<String> missedUpdates() {
        return List.copyOf(missedUpdates);
    }

    void committed() {
        missedUpdates.clear();
    }

    private void resetBatch() {
        batch = null;
        batchShape = null;
        batchSize = 0;
        batchChars = 0;
        batchKeys.clear();
        batchUpdates.clear();
    }

    private void add(Shape shape, List<String> parameters, List<String> key) throws SQLException {
        boolean upsert = shape.kind == Shape.Kind.UPSERT;
        if (!shape.equals(batchShape) || (upsert && batchKeys.contains(key))) {
            flush();
            batchShape = shape;
            batch = statement(shape);
        }
        for (int i = 0; i < parameters.size(); i++) {
            String value = parameters.get(i);
            if (value == null) {
                batch.setNull(i + 1, Types.OTHER);
            } else {
                batch.setObject(i + 1, value, Types.OTHER);
                batchChars += value.length();
            }
        }
        batch.addBatch();
        batchSize++;
        if (upsert) {
            batchKeys.add(key);
        }
        if (batchChars >= flushChars) {
            // large values: send what is pending now, inside the still open target transaction
            flush();
        }
    }

    private PreparedStatement statement(Shape shape) throws SQLException {
        PreparedStatement statement = statements.get(shape);
        if (statement == null) {
            statement = connection.prepareStatement(shape.sql());
            statements.put(shape, statement);
            if (statements.size() > CACHED_STATEMENTS) {
                var eldest = statements.entrySet().iterator().next();
                if (!eldest.getKey().equals(shape)) {
                    eldest.getValue().close();
                    statements.remove(eldest.getKey());
                }
            }
        }
        return statement;
    }

    @Override
    public void close() {
        for (PreparedStatement statement : statements.values()) {
            try {
                statement.close();
            } catch (SQLException ignored) {
                // the connection is going away with it
            }
        }
        statements.clear();
    }

    /** What a statement looks like: the same shape means the same SQL text and one JDBC batch. */
    private record Shape(Kind kind, TableMove move, List<String> setColumns) {

        enum Kind { UPSERT, UPDATE, REKEY, DELETE }

        static Shape upsert(TableMove move) {
            return new Shape(Kind.UPSERT, move, List.of());
        }

        /** An upsert of some of the columns: the others take their default in a new row and stay in an old one. */
        static Shape upsert(TableMove move, List<String> columns) {
            return new Shape(Kind.UPSERT, move, List.copyOf(columns));
        }

        static Shape update(TableMove move, List<String> setColumns, boolean rekey) {
            return new Shape(rekey ? Kind.REKEY : Kind.UPDATE, move, List.copyOf(setColumns));
        }

        static Shape delete(TableMove move) {
            return new Shape(Kind.DELETE, move, List.of());
        }

        // Moves are compared by identity: there is one instance per table, and deep equality of
        // the table description would cost more than the statement it selects.
        @Override
        public boolean equals(Object other) {
            return other instanceof Shape that && kind == that.kind && move == that.move
                    && setColumns.equals(that.setColumns);
        }

        @Override
        public int hashCode() {
            return (kind.hashCode() * 31 + System.identityHashCode(move)) * 31 + setColumns.hashCode();
        }

        String sql() {
            String table = Sql.table(move.target());
            // an upsert of some columns names them in setColumns; otherwise it writes every written column
            List<ColumnInfo> written = kind == Kind.UPSERT && !setColumns.isEmpty()
                    ? setColumns.stream().map(move.source()::column).toList() : move.source().writtenColumns();
            List<String> key = move.source().primaryKey();
            return switch (kind) {
                case UPSERT -> {
                    List<ColumnInfo> columns = written;
                    List<ColumnInfo> updated = columns.stream().filter(c -> !key.contains(c.name())).toList();
                    if (updated.stream().anyMatch(Shape::alwaysIdentity)) {
                        yield replaceRow(table, columns);
                    }
                    String names = columns.stream().map(c -> Sql.ident(c.name())).collect(Collectors.joining(", "));
                    String values = columns.stream().map(Shape::parameter).collect(Collectors.joining(", "));
                    String conflict = key.stream().map(Sql::ident).collect(Collectors.joining(", "));
                    List<String> updates = updated.stream().map(ColumnInfo::name)
                            .map(c -> Sql.ident(c) + " = EXCLUDED." + Sql.ident(c)).toList();
                    yield "INSERT INTO " + table + " (" + names + ")" + overriding(columns) + " VALUES (" + values
                            + ") ON CONFLICT (" + conflict + ") DO "
                            + (updates.isEmpty() ? "NOTHING" : "UPDATE SET " + String.join(", ", updates));
                }
                case UPDATE, REKEY -> setColumns.stream().map(move.source()::column).anyMatch(Shape::alwaysIdentity)
                        ? replaceColumns(table)
                        : "UPDATE " + table + " SET "
                        + setColumns.stream().map(c -> Sql.ident(c) + " = " + parameter(move.source().column(c)))
                                .collect(Collectors.joining(", "))
                        + " WHERE " + keyCondition("")
                        + (kind == Kind.REKEY ? " AND NOT EXISTS (SELECT 1 FROM " + table + " taken WHERE "
                                + keyCondition("taken.") + ")" : "");
                case DELETE -> "DELETE FROM " + table + " WHERE " + keyCondition("");
            };
        }

        /**
         * PostgreSQL lets no UPDATE set a GENERATED ALWAYS identity column (only an INSERT with
         * OVERRIDING SYSTEM VALUE may), yet the source may change one (SET ... = DEFAULT). Rows
         * whose change does are replaced: deleted and inserted again in one statement. The insert
         * reads the delete's result, so the old row is gone before the new one is checked against
         * the table's unique indexes.
         */
        private String replaceRow(String table, List<ColumnInfo> columns) {
            List<String> names = columns.stream().map(c -> Sql.ident(c.name())).toList();
            return "WITH safeshift_row (" + String.join(", ", names) + ") AS (VALUES ("
                    + columns.stream().map(Shape::parameter).collect(Collectors.joining(", ")) + ")), "
                    + "safeshift_old AS (DELETE FROM " + table + " t USING safeshift_row r WHERE "
                    + move.source().primaryKey().stream().map(c -> "t." + Sql.ident(c) + " = r." + Sql.ident(c))
                            .collect(Collectors.joining(" AND "))
                    + " RETURNING 1) INSERT INTO " + table + " (" + String.join(", ", names) + ") OVERRIDING SYSTEM VALUE"
                    + " SELECT " + String.join(", ", names) + " FROM safeshift_row"
                    + " WHERE (SELECT count(*) FROM safeshift_old) >= 0";
        }

        /**
         * As {@link #replaceRow}, for an update that carries only some columns (the log left
         * unchanged TOASTed values out): the columns it does not carry are taken from the old row.
         * Parameters keep the order of the plain UPDATE: set values, old key, then (for a key change)
         * the new key, which must not be taken.
         */
        private String replaceColumns(String table) {
            List<ColumnInfo> key = move.source().primaryKey().stream().map(move.source()::column).toList();
            List<String> parameters = new ArrayList<>();
            List<String> values = new ArrayList<>();
            for (int i = 0; i < setColumns.size(); i++) {
                parameters.add("s" + i);
                values.add(parameter(move.source().column(setColumns.get(i))));
            }
            for (int i = 0; i < key.size(); i++) {
                parameters.add("w" + i);
                values.add(parameter(key.get(i)));
            }
            if (kind == Kind.REKEY) {
                for (int i = 0; i < key.size(); i++) {
                    parameters.add("n" + i);
                    values.add(parameter(key.get(i)));
                }
            }
            List<String> where = new ArrayList<>();
            for (int i = 0; i < key.size(); i++) {
                where.add("t." + Sql.ident(key.get(i).name()) + " = p.w" + i);
            }
            if (kind == Kind.REKEY) {
                List<String> taken = new ArrayList<>();
                for (int i = 0; i < key.size(); i++) {
                    taken.add("taken." + Sql.ident(key.get(i).name()) + " = p.n" + i);
                }
                where.add("NOT EXISTS (SELECT 1 FROM " + table + " taken WHERE " + String.join(" AND ", taken) + ")");
            }
            List<ColumnInfo> columns = move.source().writtenColumns();
            List<String> select = new ArrayList<>();
            for (ColumnInfo column : columns) {
                int at = setColumns.indexOf(column.name());
                select.add(at >= 0 ? "p.s" + at : "o." + Sql.ident(column.name()));
            }
            return "WITH safeshift_p (" + String.join(", ", parameters) + ") AS (VALUES (" + String.join(", ", values)
                    + ")), safeshift_old AS (DELETE FROM " + table + " t USING safeshift_p p WHERE "
                    + String.join(" AND ", where) + " RETURNING t.*) INSERT INTO " + table + " ("
                    + columns.stream().map(c -> Sql.ident(c.name())).collect(Collectors.joining(", "))
                    + ") OVERRIDING SYSTEM VALUE SELECT " + String.join(", ", select) + " FROM safeshift_old o, safeshift_p p";
        }

        private static boolean alwaysIdentity(ColumnInfo column) {
            return column.identity() == ColumnInfo.Identity.ALWAYS;
        }

        /** Values for GENERATED ALWAYS identity columns are the source's, not the target sequence's. */
        private static String overriding(List<ColumnInfo> columns) {
            return columns.stream().anyMatch(Shape::alwaysIdentity) ? " OVERRIDING SYSTEM VALUE" : "";
        }

        private String keyCondition(String qualifier) {
            return move.source().primaryKey().stream()
                    .map(c -> qualifier + Sql.ident(c) + " = " + parameter(move.source().column(c)))
                    .collect(Collectors.joining(" AND "));
        }

        /** Values travel as text and are read by the column type's own input function. */
        private static String parameter(ColumnInfo column) {
            return "CAST(? AS " + column.type() + ")";
        }
    }
}
