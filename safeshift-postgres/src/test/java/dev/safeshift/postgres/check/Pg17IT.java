package dev.safeshift.postgres.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.postgres.check.Pg17.AlterTableType;
import dev.safeshift.postgres.check.Pg17.CmdType;
import dev.safeshift.postgres.check.Pg17.ConstrType;
import dev.safeshift.postgres.check.Pg17.DropBehavior;
import dev.safeshift.postgres.check.Pg17.ObjectType;
import dev.safeshift.postgres.check.Pg17.ReindexObjectType;
import dev.safeshift.postgres.check.Pg17.TransactionStmtKind;
import dev.safeshift.postgres.check.Pg17.VariableSetKind;
import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.ParserServer;
import dev.safeshift.postgres.parse.PgNode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The enum orders in {@link Pg17} against the parser server itself: one statement per value the
 * rules use, parsed by PostgreSQL 17, whose printed number must be that value's ordinal. A list
 * copied wrong from parsenodes.h fails here.
 */
class Pg17IT {

    private static ParserServer parser;

    @BeforeAll
    static void start() {
        parser = ParserServer.start();
        parser.define("CREATE TABLE t (c int, d int); CREATE TABLE u (c int)");
    }

    @AfterAll
    static void stop() {
        parser.close();
    }

    private record Case<E extends Enum<E>>(String sql, Function<PgNode, PgNode> node, String field, E expected) {
    }

    private static PgNode tree(String sql) {
        List<ParsedStatement> parsed = parser.parse(sql, "enums.sql", 1);
        assertThat(parsed).as(sql).hasSize(1);
        assertThat(parsed.get(0).problem()).as(sql).isEmpty();
        return parsed.get(0).tree().orElseThrow();
    }

    private static PgNode firstCommand(PgNode alter) {
        return alter.nodes("cmds").get(0);
    }

    private static PgNode firstColumnConstraint(PgNode alter) {
        return firstCommand(alter).node("def").orElseThrow().nodes("constraints").get(0);
    }

    private static <E extends Enum<E>> void check(Class<E> type, List<Case<E>> cases, Set<E> internal) {
        List<E> covered = new ArrayList<>();
        for (Case<E> c : cases) {
            PgNode node = c.node().apply(tree(c.sql()));
            assertThat(Pg17.value(type, node, c.field())).as(c.sql()).contains(c.expected());
            assertThat(node.number(c.field())).as(c.sql()).isEqualTo(c.expected().ordinal());
            covered.add(c.expected());
        }
        EnumSet<E> missing = EnumSet.allOf(type);
        missing.removeAll(covered);
        missing.removeAll(internal);
        assertThat(missing).as("values of %s no statement checks", type.getSimpleName()).isEmpty();
    }

    private static Case<AlterTableType> alter(String sql, AlterTableType expected) {
        return new Case<>(sql, Pg17IT::firstCommand, "subtype", expected);
    }

    @Test
    void alterTableTypes() {
        check(AlterTableType.class, List.of(
                alter("ALTER TABLE t ADD COLUMN x int", AlterTableType.ADD_COLUMN),
                alter("ALTER TABLE t ALTER c SET DEFAULT 1", AlterTableType.COLUMN_DEFAULT),
                alter("ALTER TABLE t ALTER c DROP NOT NULL", AlterTableType.DROP_NOT_NULL),
                alter("ALTER TABLE t ALTER c SET NOT NULL", AlterTableType.SET_NOT_NULL),
                alter("ALTER TABLE t ALTER c SET EXPRESSION AS (d + 1)", AlterTableType.SET_EXPRESSION),
                alter("ALTER TABLE t ALTER c DROP EXPRESSION", AlterTableType.DROP_EXPRESSION),
                alter("ALTER TABLE t ALTER c SET STATISTICS 100", AlterTableType.SET_STATISTICS),
                alter("ALTER TABLE t ALTER c SET (n_distinct = 1)", AlterTableType.SET_OPTIONS),
                alter("ALTER TABLE t ALTER c RESET (n_distinct)", AlterTableType.RESET_OPTIONS),
                alter("ALTER TABLE t ALTER c SET STORAGE plain", AlterTableType.SET_STORAGE),
                alter("ALTER TABLE t ALTER c SET COMPRESSION pglz", AlterTableType.SET_COMPRESSION),
                alter("ALTER TABLE t DROP COLUMN c", AlterTableType.DROP_COLUMN),
                alter("ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0)", AlterTableType.ADD_CONSTRAINT),
                alter("ALTER TABLE t ALTER CONSTRAINT k DEFERRABLE", AlterTableType.ALTER_CONSTRAINT),
                alter("ALTER TABLE t VALIDATE CONSTRAINT k", AlterTableType.VALIDATE_CONSTRAINT),
                alter("ALTER TABLE t DROP CONSTRAINT k", AlterTableType.DROP_CONSTRAINT),
                alter("ALTER TABLE t ALTER c TYPE bigint", AlterTableType.ALTER_COLUMN_TYPE),
                alter("ALTER TABLE t OWNER TO someone", AlterTableType.CHANGE_OWNER),
                alter("ALTER TABLE t CLUSTER ON i", AlterTableType.CLUSTER_ON),
                alter("ALTER TABLE t SET WITHOUT CLUSTER", AlterTableType.DROP_CLUSTER),
                alter("ALTER TABLE t SET LOGGED", AlterTableType.SET_LOGGED),
                alter("ALTER TABLE t SET UNLOGGED", AlterTableType.SET_UNLOGGED),
                alter("ALTER TABLE t SET ACCESS METHOD heap", AlterTableType.SET_ACCESS_METHOD),
                alter("ALTER TABLE t SET TABLESPACE pg_default", AlterTableType.SET_TABLESPACE),
                alter("ALTER TABLE t SET (fillfactor = 70)", AlterTableType.SET_REL_OPTIONS),
                alter("ALTER TABLE t RESET (fillfactor)", AlterTableType.RESET_REL_OPTIONS),
                alter("ALTER TABLE t ENABLE TRIGGER g", AlterTableType.ENABLE_TRIG),
                alter("ALTER TABLE t ENABLE ALWAYS TRIGGER g", AlterTableType.ENABLE_ALWAYS_TRIG),
                alter("ALTER TABLE t ENABLE REPLICA TRIGGER g", AlterTableType.ENABLE_REPLICA_TRIG),
                alter("ALTER TABLE t DISABLE TRIGGER g", AlterTableType.DISABLE_TRIG),
                alter("ALTER TABLE t ENABLE TRIGGER ALL", AlterTableType.ENABLE_TRIG_ALL),
                alter("ALTER TABLE t DISABLE TRIGGER ALL", AlterTableType.DISABLE_TRIG_ALL),
                alter("ALTER TABLE t ENABLE TRIGGER USER", AlterTableType.ENABLE_TRIG_USER),
                alter("ALTER TABLE t DISABLE TRIGGER USER", AlterTableType.DISABLE_TRIG_USER),
                alter("ALTER TABLE t ENABLE RULE r", AlterTableType.ENABLE_RULE),
                alter("ALTER TABLE t ENABLE ALWAYS RULE r", AlterTableType.ENABLE_ALWAYS_RULE),
                alter("ALTER TABLE t ENABLE REPLICA RULE r", AlterTableType.ENABLE_REPLICA_RULE),
                alter("ALTER TABLE t DISABLE RULE r", AlterTableType.DISABLE_RULE),
                alter("ALTER TABLE t INHERIT u", AlterTableType.ADD_INHERIT),
                alter("ALTER TABLE t NO INHERIT u", AlterTableType.DROP_INHERIT),
                alter("ALTER TABLE t OF some_type", AlterTableType.ADD_OF),
                alter("ALTER TABLE t NOT OF", AlterTableType.DROP_OF),
                alter("ALTER TABLE t REPLICA IDENTITY FULL", AlterTableType.REPLICA_IDENTITY),
                alter("ALTER TABLE t ENABLE ROW LEVEL SECURITY", AlterTableType.ENABLE_ROW_SECURITY),
                alter("ALTER TABLE t DISABLE ROW LEVEL SECURITY", AlterTableType.DISABLE_ROW_SECURITY),
                alter("ALTER TABLE t FORCE ROW LEVEL SECURITY", AlterTableType.FORCE_ROW_SECURITY),
                alter("ALTER TABLE t NO FORCE ROW LEVEL SECURITY", AlterTableType.NO_FORCE_ROW_SECURITY),
                alter("ALTER FOREIGN TABLE t OPTIONS (ADD a 'b')", AlterTableType.GENERIC_OPTIONS),
                alter("ALTER TABLE t ATTACH PARTITION u DEFAULT", AlterTableType.ATTACH_PARTITION),
                alter("ALTER TABLE t DETACH PARTITION u", AlterTableType.DETACH_PARTITION),
                alter("ALTER TABLE t DETACH PARTITION u FINALIZE", AlterTableType.DETACH_PARTITION_FINALIZE),
                alter("ALTER TABLE t ALTER c ADD GENERATED ALWAYS AS IDENTITY", AlterTableType.ADD_IDENTITY),
                alter("ALTER TABLE t ALTER c SET GENERATED BY DEFAULT", AlterTableType.SET_IDENTITY),
                alter("ALTER TABLE t ALTER c DROP IDENTITY", AlterTableType.DROP_IDENTITY)),
                // Subcommands PostgreSQL makes internally while executing, never printed for a statement.
                EnumSet.of(AlterTableType.ADD_COLUMN_TO_VIEW, AlterTableType.COOKED_COLUMN_DEFAULT,
                        AlterTableType.CHECK_NOT_NULL, AlterTableType.ADD_INDEX, AlterTableType.RE_ADD_INDEX,
                        AlterTableType.RE_ADD_CONSTRAINT, AlterTableType.RE_ADD_DOMAIN_CONSTRAINT,
                        AlterTableType.ADD_INDEX_CONSTRAINT, AlterTableType.RE_ADD_COMMENT,
                        AlterTableType.ALTER_COLUMN_GENERIC_OPTIONS, AlterTableType.DROP_OIDS,
                        AlterTableType.REPLACE_REL_OPTIONS, AlterTableType.RE_ADD_STATISTICS));
    }

    @Test
    void constraintTypes() {
        Function<PgNode, PgNode> column = Pg17IT::firstColumnConstraint;
        Function<PgNode, PgNode> table = alter -> firstCommand(alter).node("def").orElseThrow();
        check(ConstrType.class, List.of(
                new Case<>("ALTER TABLE t ADD COLUMN x int NULL", column, "contype", ConstrType.NULL),
                new Case<>("ALTER TABLE t ADD COLUMN x int NOT NULL", column, "contype", ConstrType.NOT_NULL),
                new Case<>("ALTER TABLE t ADD COLUMN x int DEFAULT 1", column, "contype", ConstrType.DEFAULT),
                new Case<>("ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS IDENTITY", column, "contype",
                        ConstrType.IDENTITY),
                new Case<>("ALTER TABLE t ADD COLUMN x int GENERATED ALWAYS AS (c) STORED", column, "contype",
                        ConstrType.GENERATED),
                new Case<>("ALTER TABLE t ADD CONSTRAINT k CHECK (c > 0)", table, "contype", ConstrType.CHECK),
                new Case<>("ALTER TABLE t ADD PRIMARY KEY (c)", table, "contype", ConstrType.PRIMARY),
                new Case<>("ALTER TABLE t ADD UNIQUE (c)", table, "contype", ConstrType.UNIQUE),
                new Case<>("ALTER TABLE t ADD EXCLUDE USING btree (c WITH =)", table, "contype", ConstrType.EXCLUSION),
                new Case<>("ALTER TABLE t ADD FOREIGN KEY (c) REFERENCES u (c)", table, "contype", ConstrType.FOREIGN),
                new Case<>("ALTER TABLE t ADD COLUMN x int DEFERRABLE", column, "contype", ConstrType.ATTR_DEFERRABLE),
                new Case<>("ALTER TABLE t ADD COLUMN x int NOT DEFERRABLE", column, "contype",
                        ConstrType.ATTR_NOT_DEFERRABLE),
                new Case<>("ALTER TABLE t ADD COLUMN x int INITIALLY DEFERRED", column, "contype",
                        ConstrType.ATTR_DEFERRED),
                new Case<>("ALTER TABLE t ADD COLUMN x int INITIALLY IMMEDIATE", column, "contype",
                        ConstrType.ATTR_IMMEDIATE)),
                EnumSet.noneOf(ConstrType.class));
    }

    private static Case<ObjectType> drop(String sql, ObjectType expected) {
        return new Case<>(sql, Function.identity(), "removeType", expected);
    }

    @Test
    void objectTypes() {
        check(ObjectType.class, List.of(
                new Case<>("ALTER TABLE t ADD COLUMN x int", Function.identity(), "objtype", ObjectType.TABLE),
                new Case<>("ALTER MATERIALIZED VIEW t SET (fillfactor = 70)", Function.identity(), "objtype",
                        ObjectType.MATVIEW),
                new Case<>("ALTER FOREIGN TABLE t ADD COLUMN x int", Function.identity(), "objtype",
                        ObjectType.FOREIGN_TABLE),
                drop("DROP INDEX i", ObjectType.INDEX),
                drop("DROP SCHEMA s", ObjectType.SCHEMA),
                drop("DROP VIEW v", ObjectType.VIEW),
                drop("DROP SEQUENCE s", ObjectType.SEQUENCE),
                drop("DROP TYPE y", ObjectType.TYPE),
                drop("DROP DOMAIN d", ObjectType.DOMAIN),
                drop("DROP FUNCTION f()", ObjectType.FUNCTION),
                drop("DROP PROCEDURE p()", ObjectType.PROCEDURE),
                drop("DROP ROUTINE r()", ObjectType.ROUTINE),
                drop("DROP POLICY p ON t", ObjectType.POLICY),
                drop("DROP TRIGGER g ON t", ObjectType.TRIGGER),
                drop("DROP RULE r ON t", ObjectType.RULE),
                new Case<>("ALTER TABLE t RENAME COLUMN c TO x", Function.identity(), "renameType", ObjectType.COLUMN),
                new Case<>("ALTER TABLE t RENAME CONSTRAINT k TO x", Function.identity(), "renameType",
                        ObjectType.TABCONSTRAINT),
                new Case<>("ALTER TYPE y RENAME ATTRIBUTE a TO b", Function.identity(), "renameType",
                        ObjectType.ATTRIBUTE),
                new Case<>("COMMENT ON COLUMN t.c IS 'x'", Function.identity(), "objtype", ObjectType.COLUMN)),
                EnumSet.complementOf(EnumSet.of(ObjectType.TABLE, ObjectType.MATVIEW, ObjectType.FOREIGN_TABLE,
                        ObjectType.INDEX, ObjectType.SCHEMA, ObjectType.VIEW, ObjectType.SEQUENCE, ObjectType.TYPE,
                        ObjectType.DOMAIN, ObjectType.FUNCTION, ObjectType.PROCEDURE, ObjectType.ROUTINE,
                        ObjectType.POLICY, ObjectType.TRIGGER, ObjectType.RULE, ObjectType.COLUMN,
                        ObjectType.TABCONSTRAINT, ObjectType.ATTRIBUTE)));
    }

    @Test
    void otherEnums() {
        check(DropBehavior.class, List.of(
                new Case<>("DROP TABLE t", Function.identity(), "behavior", DropBehavior.RESTRICT),
                new Case<>("DROP TABLE t CASCADE", Function.identity(), "behavior", DropBehavior.CASCADE)),
                EnumSet.noneOf(DropBehavior.class));
        check(TransactionStmtKind.class, List.of(
                new Case<>("BEGIN", Function.identity(), "kind", TransactionStmtKind.BEGIN),
                new Case<>("START TRANSACTION", Function.identity(), "kind", TransactionStmtKind.START),
                new Case<>("COMMIT", Function.identity(), "kind", TransactionStmtKind.COMMIT),
                new Case<>("ROLLBACK", Function.identity(), "kind", TransactionStmtKind.ROLLBACK),
                new Case<>("SAVEPOINT s", Function.identity(), "kind", TransactionStmtKind.SAVEPOINT),
                new Case<>("RELEASE SAVEPOINT s", Function.identity(), "kind", TransactionStmtKind.RELEASE),
                new Case<>("ROLLBACK TO SAVEPOINT s", Function.identity(), "kind", TransactionStmtKind.ROLLBACK_TO),
                new Case<>("PREPARE TRANSACTION 'x'", Function.identity(), "kind", TransactionStmtKind.PREPARE),
                new Case<>("COMMIT PREPARED 'x'", Function.identity(), "kind", TransactionStmtKind.COMMIT_PREPARED),
                new Case<>("ROLLBACK PREPARED 'x'", Function.identity(), "kind",
                        TransactionStmtKind.ROLLBACK_PREPARED)),
                EnumSet.noneOf(TransactionStmtKind.class));
        check(VariableSetKind.class, List.of(
                new Case<>("SET lock_timeout = '1s'", Function.identity(), "kind", VariableSetKind.SET_VALUE),
                new Case<>("SET lock_timeout TO DEFAULT", Function.identity(), "kind", VariableSetKind.SET_DEFAULT),
                new Case<>("SET search_path FROM CURRENT", Function.identity(), "kind", VariableSetKind.SET_CURRENT),
                new Case<>("SET TRANSACTION READ ONLY", Function.identity(), "kind", VariableSetKind.SET_MULTI),
                new Case<>("RESET lock_timeout", Function.identity(), "kind", VariableSetKind.RESET),
                new Case<>("RESET ALL", Function.identity(), "kind", VariableSetKind.RESET_ALL)),
                EnumSet.noneOf(VariableSetKind.class));
        check(ReindexObjectType.class, List.of(
                new Case<>("REINDEX INDEX i", Function.identity(), "kind", ReindexObjectType.INDEX),
                new Case<>("REINDEX TABLE t", Function.identity(), "kind", ReindexObjectType.TABLE),
                new Case<>("REINDEX SCHEMA s", Function.identity(), "kind", ReindexObjectType.SCHEMA),
                new Case<>("REINDEX SYSTEM", Function.identity(), "kind", ReindexObjectType.SYSTEM),
                new Case<>("REINDEX DATABASE", Function.identity(), "kind", ReindexObjectType.DATABASE)),
                EnumSet.noneOf(ReindexObjectType.class));
        check(CmdType.class, List.of(
                new Case<>("SELECT c FROM t", Function.identity(), "commandType", CmdType.SELECT),
                new Case<>("UPDATE t SET c = 1", Function.identity(), "commandType", CmdType.UPDATE),
                new Case<>("INSERT INTO t VALUES (1, 2)", Function.identity(), "commandType", CmdType.INSERT),
                new Case<>("DELETE FROM t", Function.identity(), "commandType", CmdType.DELETE),
                new Case<>("MERGE INTO t USING u ON t.c = u.c WHEN MATCHED THEN DELETE", Function.identity(),
                        "commandType", CmdType.MERGE)),
                // UTILITY never reaches the rules (the parser server unwraps utility statements); NOTHING is internal.
                EnumSet.of(CmdType.UNKNOWN, CmdType.UTILITY, CmdType.NOTHING));
    }
}
