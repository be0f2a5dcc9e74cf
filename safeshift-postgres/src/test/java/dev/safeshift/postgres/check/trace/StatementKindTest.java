package dev.safeshift.postgres.check.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StatementKindTest {

    @Test
    void wordsSkipCommentsLiteralsAndQuotedNames() {
        assertThat(StatementKind.words("/* a /* nested */ COMMIT */ -- BEGIN\n alter table \"COMMIT\" add check "
                + "(x <> 'ROLLBACK' and y <> E'it\\'s' and z <> $t$ BEGIN $t$ and w <> $$x$$)"))
                .containsExactly("ALTER", "TABLE", "ADD", "CHECK", "X", "AND", "Y", "E", "AND", "Z", "AND", "W");
    }

    @Test
    void transactionControlIsNotRun() {
        for (String sql : new String[] {"BEGIN", " commit", "END", "rollback to savepoint a", "SAVEPOINT a",
                "RELEASE a", "START TRANSACTION", "ABORT", "-- why\nCOMMIT AND CHAIN", "PREPARE TRANSACTION 'x'"}) {
            assertThat(StatementKind.refusal(sql)).as(sql).hasValueSatisfying(r -> assertThat(r).contains("transaction control"));
        }
    }

    @Test
    void serverWideStatementsAreNotRun() {
        for (String sql : new String[] {"CREATE ROLE app", "alter user app password 'x'", "DROP DATABASE prod",
                "ALTER DATABASE prod SET work_mem = '1GB'", "CREATE TABLESPACE t LOCATION '/x'", "ALTER SYSTEM SET x = 1",
                "GRANT admin TO app", "REVOKE admin FROM app", "DROP OWNED BY app", "REASSIGN OWNED BY a TO b",
                "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p"}) {
            assertThat(StatementKind.refusal(sql)).as(sql).hasValueSatisfying(r -> assertThat(r).contains("whole scratch server"));
        }
    }

    @Test
    void ordinaryStatementsRun() {
        for (String sql : new String[] {"ALTER TABLE payments ADD COLUMN x int", "GRANT SELECT ON payments TO app",
                "CREATE USER MAPPING FOR app SERVER s", "PREPARE q AS SELECT 1", "CREATE INDEX CONCURRENTLY i ON t (c)",
                "", "-- nothing"}) {
            assertThat(StatementKind.refusal(sql)).as(sql).isEmpty();
        }
    }
}
