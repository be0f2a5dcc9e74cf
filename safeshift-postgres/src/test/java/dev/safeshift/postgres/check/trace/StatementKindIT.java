package dev.safeshift.postgres.check.trace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.ParserServer;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StatementKindIT {

    private static ParserServer parser;

    @BeforeAll
    static void start() {
        parser = ParserServer.start();
    }

    @AfterAll
    static void stop() {
        parser.close();
    }

    private static List<ParsedStatement> parse(String script) {
        List<ParsedStatement> statements = parser.parse(script, "test.sql", 1);
        statements.forEach(s -> assertThat(s.problem()).as(s.sql()).isEmpty());
        return statements;
    }

    @Test
    void transactionControlIsNotRun() {
        for (ParsedStatement statement : parse("BEGIN; commit; END; rollback to savepoint a; SAVEPOINT a; RELEASE a; "
                + "START TRANSACTION; ABORT; -- why\nCOMMIT AND CHAIN; PREPARE TRANSACTION 'x'")) {
            assertThat(StatementKind.refusal(statement.tree().orElseThrow())).as(statement.sql())
                    .hasValueSatisfying(r -> assertThat(r).contains("transaction control"));
        }
    }

    @Test
    void serverWideStatementsAreNotRun() {
        for (ParsedStatement statement : parse("CREATE ROLE app; alter user app password 'x'; DROP DATABASE prod; "
                + "ALTER DATABASE prod SET work_mem = '1GB'; CREATE TABLESPACE t LOCATION '/x'; ALTER SYSTEM SET x = 1; "
                + "GRANT admin TO app; REVOKE admin FROM app; DROP OWNED BY app; REASSIGN OWNED BY a TO b; "
                + "CREATE SUBSCRIPTION s CONNECTION 'host=x' PUBLICATION p; ALTER TABLE ALL IN TABLESPACE a SET TABLESPACE b")) {
            assertThat(StatementKind.refusal(statement.tree().orElseThrow())).as(statement.sql())
                    .hasValueSatisfying(r -> assertThat(r).contains("whole scratch server"));
        }
    }

    @Test
    void ordinaryStatementsRunEvenWhenTheirTextMentionsTransactionWords() {
        for (ParsedStatement statement : parse("ALTER TABLE payments ADD COLUMN x int; GRANT SELECT ON payments TO app; "
                + "CREATE USER MAPPING FOR app SERVER s; CREATE INDEX CONCURRENTLY i ON t (c); "
                + "ALTER TABLE \"COMMIT\" ADD CHECK (x <> 'ROLLBACK' AND z <> $t$ BEGIN $t$)")) {
            assertThat(StatementKind.refusal(statement.tree().orElseThrow())).as(statement.sql()).isEmpty();
        }
    }
}
