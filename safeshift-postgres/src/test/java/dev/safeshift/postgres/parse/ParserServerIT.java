package dev.safeshift.postgres.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class ParserServerIT {

    private static ParserServer parser;

    @BeforeAll
    static void start() {
        parser = ParserServer.start();
    }

    @AfterAll
    static void stop() {
        parser.close();
    }

    private static PgNode only(String sql) {
        List<ParsedStatement> statements = parser.parse(sql, "test.sql", 1);
        assertThat(statements).hasSize(1);
        assertThat(statements.get(0).problem()).isEmpty();
        return statements.get(0).tree().orElseThrow();
    }

    @Test
    void printsTheTreeOfAnAlterTableWithAllItsDetails() {
        PgNode alter = only("ALTER TABLE payments ADD CONSTRAINT amount_positive CHECK (amount > 0) NOT VALID");

        assertThat(alter.tag()).isEqualTo("ALTERTABLESTMT");
        assertThat(alter.node("relation").orElseThrow().text("relname")).contains("payments");
        PgNode command = alter.nodes("cmds").get(0);
        PgNode constraint = command.node("def").orElseThrow();
        assertThat(constraint.tag()).isEqualTo("CONSTRAINT");
        assertThat(constraint.text("conname")).contains("amount_positive");
        assertThat(constraint.flag("skip_validation")).isTrue();
        assertThat(constraint.node("raw_expr").orElseThrow().texts("name")).containsExactly(">");
    }

    @Test
    void keepsQuotedUnicodeNamesWithSpacesExactly() {
        PgNode index = only("CREATE INDEX CONCURRENTLY IF NOT EXISTS \"Idx ä (x)\" ON \"Zahlungen {ä}\" (\"Betrag €\")");

        assertThat(index.tag()).isEqualTo("INDEXSTMT");
        assertThat(index.text("idxname")).contains("Idx ä (x)");
        assertThat(index.node("relation").orElseThrow().text("relname")).contains("Zahlungen {ä}");
        assertThat(index.nodes("indexParams").get(0).text("name")).contains("Betrag €");
        assertThat(index.flag("concurrent")).isTrue();
        assertThat(index.flag("if_not_exists")).isTrue();
    }

    @Test
    void longNamesAndConstantsSurviveTheServersLineWrapping() {
        String longName = "a_name_of_exactly_sixty_three_characters_which_is_the_maximum__";
        String spaced = "a long comment with many words ".repeat(10).strip();
        PgNode alter = only("ALTER TABLE " + longName + " ADD COLUMN \"" + longName + "\" text DEFAULT '" + spaced + "'");

        assertThat(alter.node("relation").orElseThrow().text("relname")).contains(longName);
        PgNode column = alter.nodes("cmds").get(0).node("def").orElseThrow();
        assertThat(column.text("colname")).contains(longName);
        PgNode constant = column.nodes("constraints").get(0).node("raw_expr").orElseThrow();
        assertThat(constant.text("val")).contains(spaced);
    }

    @Test
    void splitsAScriptAndNumbersStatementsAndLines() {
        String script = """
                -- add the check without a long lock
                ALTER TABLE payments ADD CONSTRAINT c CHECK (note <> 'a;b') NOT VALID;

                CREATE FUNCTION f() RETURNS int LANGUAGE plpgsql AS $fn$
                begin return 1; end
                $fn$;
                /* done; */
                ALTER TABLE payments VALIDATE CONSTRAINT c;
                """;
        List<ParsedStatement> statements = parser.parse(script, "V7__check.sql", 1);

        assertThat(statements).extracting(ParsedStatement::number).containsExactly(1, 2, 3);
        assertThat(statements).extracting(ParsedStatement::line).containsExactly(1, 4, 7);
        assertThat(statements).extracting(s -> s.tree().orElseThrow().tag())
                .containsExactly("ALTERTABLESTMT", "CREATEFUNCTIONSTMT", "ALTERTABLESTMT");
        assertThat(statements.get(2).place()).isEqualTo("statement 3 (V7__check.sql line 7)");
    }

    @Test
    void aSyntaxErrorIsAProblemWithItsLineAndTheRestStillParses() {
        List<ParsedStatement> statements = parser.parse("ALTER TABLE t ADD COLUMN a int;\nALTER TABLE t\n ADD COLUMN;\nDROP TABLE t;",
                "x.sql", 10);

        assertThat(statements).hasSize(3);
        assertThat(statements.get(1).tree()).isEmpty();
        assertThat(statements.get(1).problem().orElseThrow()).contains("syntax error").contains("line 12");
        assertThat(statements.get(2).tree().orElseThrow().tag()).isEqualTo("DROPSTMT");
    }

    @Test
    void statementsInTheScriptCannotChangeHowLaterOnesAreParsed() {
        List<ParsedStatement> statements = parser.parse("""
                SET client_min_messages = error;
                SET debug_print_parse = off;
                BEGIN;
                ALTER TABLE t ADD COLUMN a int;
                COMMIT;
                """, "x.sql", 1);

        assertThat(statements).extracting(s -> s.tree().map(PgNode::tag).orElseGet(() -> s.problem().orElseThrow()))
                .containsExactly("VARIABLESETSTMT", "VARIABLESETSTMT", "TRANSACTIONSTMT", "ALTERTABLESTMT",
                        "TRANSACTIONSTMT");
    }

    @Test
    void aDoBlockIsOneStatementThoughItsBodyIsParsedToo() {
        List<ParsedStatement> statements = parser.parse("DO $$ BEGIN CREATE TABLE t (id int); COMMIT; END $$; SELECT 1",
                "x.sql", 1);

        assertThat(statements).extracting(s -> s.tree().orElseThrow().tag()).containsExactly("DOSTMT", "QUERY");
    }

    @Test
    void nothingInAScriptTakesEffect() throws Exception {
        parser.parse("CREATE TABLE made_by_script (id int); CREATE ROLE intruder;", "x.sql", 1);

        try (Connection admin = parser.admin(); Statement statement = admin.createStatement()) {
            assertThat(statement.executeQuery("SELECT to_regclass('made_by_script') IS NULL").next()).isTrue();
            var roles = statement.executeQuery("SELECT count(*) FROM pg_roles WHERE rolname = 'intruder'");
            roles.next();
            assertThat(roles.getInt(1)).isZero();
        }
    }

    @Test
    void queriesAreAnalysedAgainstTablesThatExistOnTheServer() throws Exception {
        List<ParsedStatement> missing = parser.parse("UPDATE ledger SET amount = 0", "x.sql", 1);
        assertThat(missing.get(0).problem().orElseThrow()).contains("ledger").contains("does not exist");

        parser.define("CREATE SCHEMA books; CREATE TABLE ledger (id bigint PRIMARY KEY, amount int); "
                + "CREATE TABLE books.\"Konto ä\" (id int)");
        PgNode update = only("UPDATE ledger SET amount = 0");
        assertThat(update.tag()).isEqualTo("QUERY");
        assertThat(update.text("commandType")).contains("2");
        assertThat(update.node("jointree").orElseThrow().node("quals")).isEmpty();
        assertThat(only("DELETE FROM books.\"Konto ä\" WHERE id = 1").text("commandType")).contains("4");
    }
}
