package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every mistake a user can make in a plan is reported at its line and column, naming the field. */
class PlanErrorsTest {

    @TempDir
    Path dir;

    private Path file;

    private PlanException error(String yaml) {
        return error(yaml, PlanFiles.ENVIRONMENT);
    }

    private PlanException error(String yaml, Map<String, String> environment) {
        file = PlanFiles.write(dir, yaml);
        return catchThrowableOfType(PlanException.class, () -> PlanLoader.load(file, environment));
    }

    private String at(int line, int column) {
        return file + ":" + line + ":" + column + ": ";
    }

    @Test
    void misspelledFieldSuggestsTheClosestKnownField() {
        PlanException e = error(PlanFiles.MINIMAL + """
                copy:
                  parallelism: 4
                  rows-per-chunck: 1000
                """);

        assertThat(e).hasMessage(at(12, 3) + "unknown field 'rows-per-chunck' in 'copy'. "
                + "Did you mean 'rows-per-chunk'? Known fields: parallelism, rows-per-chunk.");
        assertThat(e.field()).isEqualTo("copy.rows-per-chunck");
        assertThat(e.suggestion()).contains("rows-per-chunk");
        assertThat(e.line()).isEqualTo(12);
        assertThat(e.column()).isEqualTo(3);
        assertThat(e.kind()).isEqualTo(SafeshiftException.Kind.BAD_PLAN);
        assertThat(e.exitCode()).isEqualTo(2);
    }

    @Test
    void misspelledTopLevelFieldIsFoundByTransposedLetters() {
        PlanException e = error("nmae: payments_move\n");

        assertThat(e).hasMessage(at(1, 1) + "unknown field 'nmae' at the top level. Did you mean 'name'? "
                + "Known fields: name, source, target, tables, change, apply, control, copy, verify, retry, stream, cutover, gate, business, risks, owners.");
    }

    @Test
    void unrelatedUnknownFieldListsKnownFieldsWithoutGuessing() {
        PlanException e = error(PlanFiles.MINIMAL + "deadline: tomorrow\n");

        assertThat(e).hasMessage(at(10, 1) + "unknown field 'deadline' at the top level. "
                + "Known fields: name, source, target, tables, change, apply, control, copy, verify, retry, stream, cutover, gate, business, risks, owners.");
        assertThat(e.suggestion()).isEmpty();
    }

    @Test
    void unknownFieldInATableEntryNamesTheEntry() {
        PlanException e = error(PlanFiles.MINIMAL + "  - source: refunds\n    colums: [id]\n");

        assertThat(e).hasMessage(at(11, 5) + "unknown field 'colums' in 'tables[1]'. Did you mean 'columns'? "
                + "Known fields: source, target, columns, existing-rows.");
        assertThat(e.field()).isEqualTo("tables[1].colums");
    }

    @Test
    void missingRequiredFieldPointsAtItsSection() {
        PlanException e = error(PlanFiles.MINIMAL.replace("  url: jdbc:postgresql://new-db:5432/shop\n", ""));

        assertThat(e).hasMessage(at(5, 1) + "missing required field 'url' in 'target'. "
                + "Add it, for example: url: jdbc:postgresql://new-db.internal:5432/shop.");
        assertThat(e.field()).isEqualTo("target.url");
    }

    @Test
    void missingRequiredSectionIsNamed() {
        PlanException e = error(PlanFiles.MINIMAL.substring(0, PlanFiles.MINIMAL.indexOf("tables:")));

        assertThat(e).hasMessage(at(1, 1) + "missing required field 'tables' at the top level. "
                + "Add it as a non-empty list of tables.");
    }

    @Test
    void writtenPasswordIsRefusedWithoutRepeatingIt() {
        PlanException e = error(PlanFiles.MINIMAL.replace("  url: jdbc:postgresql://old-db:5432/shop\n",
                "  url: jdbc:postgresql://old-db:5432/shop\n  password: hunter2\n"));

        assertThat(e).hasMessage(at(4, 13) + "source.password must reference an environment variable, like "
                + "${SOURCE_PGPASSWORD}; a password written in the plan would end up in version control.");
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void referenceWithoutBracesIsExplained() {
        PlanException e = error(PlanFiles.MINIMAL.replace("  url: jdbc:postgresql://old-db:5432/shop\n",
                "  url: jdbc:postgresql://old-db:5432/shop\n  password: $PGPASSWORD\n"));

        assertThat(e).hasMessage(at(4, 13) + "source.password must reference an environment variable written as "
                + "${VARIABLE_NAME}, with braces; a password written in the plan would end up in version control.");
    }

    @Test
    void unsetPasswordVariableSaysWhatToExport() {
        PlanException e = error(PlanFiles.MINIMAL.replace("  url: jdbc:postgresql://old-db:5432/shop\n",
                "  url: jdbc:postgresql://old-db:5432/shop\n  password: ${PGPASSWORD}\n"), Map.of());

        assertThat(e).hasMessage(at(4, 13) + "source.password refers to environment variable PGPASSWORD, "
                + "which is not set. Export it before running safeshift.");
        assertThat(e.field()).isEqualTo("source.password");
    }

    @Test
    void urlWithoutJdbcPrefixSuggestsOne() {
        PlanException e = error(PlanFiles.MINIMAL.replace("url: jdbc:postgresql://old-db", "url: postgres://old-db"));

        assertThat(e).hasMessage(at(3, 8) + "source.url: expected a JDBC URL starting with 'jdbc:', got "
                + "'postgres://old-db:5432/shop'. Did you mean 'jdbc:postgresql://old-db:5432/shop'?");
    }

    @Test
    void urlWithAPasswordIsRefusedWithoutRepeatingIt() {
        PlanException e = error(PlanFiles.MINIMAL.replace("old-db:5432/shop", "old-db:5432/shop?password=hunter2"));

        assertThat(e).hasMessage(at(3, 8) + "source.url contains a password; a password written in the plan "
                + "would end up in version control. Remove it from the URL and set source.password to an "
                + "environment variable, like ${PGPASSWORD}, instead.");
    }

    @Test
    void wordForAnIntegerIsATypeError() {
        PlanException e = error(PlanFiles.MINIMAL + "copy:\n  parallelism: four\n");

        assertThat(e).hasMessage(at(11, 16) + "copy.parallelism: expected an integer between 1 and 64, got 'four'.");
        assertThat(e.expected()).contains("an integer between 1 and 64");
    }

    @Test
    void quotedIntegerIsATypeErrorThatSaysToDropTheQuotes() {
        PlanException e = error(PlanFiles.MINIMAL + "copy:\n  parallelism: \"4\"\n");

        assertThat(e).hasMessage(at(11, 16) + "copy.parallelism: expected an integer between 1 and 64, "
                + "got the string '4'. Write the number without quotes.");
    }

    @Test
    void integerOutOfRangeNamesTheRange() {
        assertThat(error(PlanFiles.MINIMAL + "copy:\n  parallelism: 65\n"))
                .hasMessage(at(11, 16) + "copy.parallelism: expected an integer between 1 and 64, got 65.");
        assertThat(error(PlanFiles.MINIMAL + "copy:\n  rows-per-chunk: 50\n"))
                .hasMessage(at(11, 19) + "copy.rows-per-chunk: expected an integer of at least 100, got 50.");
        assertThat(error(PlanFiles.MINIMAL + "copy:\n  parallelism: 2.5\n"))
                .hasMessage(at(11, 16) + "copy.parallelism: expected an integer between 1 and 64, got '2.5'.");
    }

    @Test
    void scalarWhereAListBelongsShowsHowToWriteAList() {
        PlanException e = error(PlanFiles.MINIMAL + "    columns: id\n");

        assertThat(e).hasMessage(at(10, 14) + "tables[0].columns: expected a non-empty list of column names, "
                + "got 'id'. Write it as a list, for example: [id, account_id, amount_cents, currency, created_at].");
        assertThat(e.field()).isEqualTo("tables[0].columns");
    }

    @Test
    void tableEntryWithoutDashIsExplained() {
        PlanException e = error(PlanFiles.MINIMAL.replace("  - source: payments", "  source: payments"));

        assertThat(e).hasMessage(at(9, 3) + "tables: expected a non-empty list of tables, got a map. "
                + "Start each entry with '- '.");
    }

    @Test
    void emptyListsAreRefusedWhereEntriesAreNeeded() {
        assertThat(error(PlanFiles.MINIMAL.replace("tables:\n  - source: payments\n", "tables: []\n")))
                .hasMessage(at(8, 9) + "tables: expected a non-empty list of tables, got an empty list.");
        assertThat(error(PlanFiles.MINIMAL + "    columns: []\n"))
                .hasMessage(at(10, 14) + "tables[0].columns: expected a non-empty list of column names, got an empty list.");
    }

    @Test
    void valueWhereASectionBelongsIsATypeError() {
        PlanException e = error(PlanFiles.MINIMAL + "copy: fast\n");

        assertThat(e).hasMessage(at(10, 7) + "copy: expected a map with the fields parallelism, rows-per-chunk, "
                + "got 'fast'.");
    }

    @Test
    void bareValueWhereAnEntryBelongsShowsTheMapToWrite() {
        PlanException e = error(PlanFiles.MINIMAL.replace("tables:\n  - source: payments\n", "tables: [payments]\n"));

        assertThat(e).hasMessage(at(8, 10) + "tables[0]: expected a map with the fields source, target, columns, existing-rows, "
                + "got 'payments'. Write it as a map, for example: {source: payments}.");
    }

    @Test
    void urlInTheWrongPlaceIsRepeatedOnlyWithItsPasswordHidden() {
        PlanException e = error(PlanFiles.MINIMAL.replace("source:\n  url: jdbc:postgresql://old-db:5432/shop\n  user: migrator\n",
                "source: jdbc:postgresql://old-db:5432/shop?user=a&password=hunter2\n"));

        assertThat(e.getMessage()).doesNotContain("hunter2").contains("password=***");
        assertThat(e.field()).isEqualTo("source");
    }

    @Test
    void emptyValueIsReported() {
        PlanException e = error(PlanFiles.MINIMAL.replace("  user: migrator\n", "  user:\n"));

        assertThat(e).hasMessage(at(4, 8) + "source.user: expected a string, got nothing. "
                + "Give it a value or remove the line.");
    }

    @Test
    void badMigrationNameSuggestsAValidOne() {
        PlanException e = error(PlanFiles.MINIMAL.replace("name: payments_move", "name: Payments-Move"));

        assertThat(e).hasMessage(at(1, 7) + "name: expected a lower-case name of at most 40 characters (a letter, "
                + "then letters, digits or _), got 'Payments-Move'. Did you mean 'payments_move'?");
        assertThat(e.suggestion()).contains("payments_move");
    }

    @Test
    void badTableNameIsReported() {
        PlanException e = error(PlanFiles.MINIMAL.replace("source: payments", "source: a.b.c"));

        assertThat(e).hasMessage(at(9, 13) + "tables[0].source: expected a table name, written schema.table or table, "
                + "got 'a.b.c'. It has 3 dot-separated parts, and a table name has at most 2 (schema.table). A dot that "
                + "belongs to a name goes inside double quotes, as in \"order-lines.2026\".");
    }

    @Test
    void tableListedTwiceIsReportedAtTheSecondEntry() {
        PlanException e = error(PlanFiles.MINIMAL + "  - source: public.PAYMENTS\n");

        assertThat(e).hasMessage(at(10, 13) + "tables[1].source: table public.payments is listed twice "
                + "(first as tables[0].source on line 9). Remove one of the entries.");
        assertThat(e.field()).isEqualTo("tables[1].source");
    }

    @Test
    void twoTablesMovedIntoOneTargetAreReported() {
        PlanException e = error(PlanFiles.MINIMAL + "  - source: old_payments\n    target: payments\n");

        assertThat(e).hasMessage(at(11, 13) + "tables[1]: target table public.payments already receives the table "
                + "of tables[0] (line 9); each target table can receive only one source table. "
                + "Give this entry a different target.");
        assertThat(e.field()).isEqualTo("tables[1].target");
    }

    @Test
    void columnListedTwiceIsReported() {
        PlanException e = error(PlanFiles.MINIMAL + "    columns: [id, amount, ID]\n");

        assertThat(e).hasMessage(at(10, 27) + "'ID' is listed twice in 'tables[0].columns' (first as "
                + "tables[0].columns[0], written 'id'; both name column id). Remove one of them.");
        assertThat(e.field()).isEqualTo("tables[0].columns[2]");
    }

    @Test
    void fieldWrittenTwiceIsReported() {
        PlanException e = error(PlanFiles.MINIMAL + "name: again\n");

        assertThat(e).hasMessage(at(10, 1) + "field 'name' is written twice at the top level (first on line 1). "
                + "Keep one of them.");
    }

    @Test
    void controlCredentialsWithoutControlUrlAreReported() {
        PlanException e = error(PlanFiles.MINIMAL + "control:\n  user: safeshift\n");

        assertThat(e).hasMessage(at(11, 9) + "control.user is set but control.url is not. Without control.url the "
                + "control store lives in the target database and connects as the target's user; add control.url "
                + "or remove control.user.");
    }

    @Test
    void ownerWithoutRoleIsReported() {
        PlanException e = error(PlanFiles.MINIMAL + "owners:\n  - name: Ana Lima\n");

        assertThat(e).hasMessage(at(11, 5) + "missing required field 'role' in 'owners[0]'. "
                + "Add it, for example: role: migration lead.");
    }

    @Test
    void durationInWordsSuggestsTheShortForm() {
        PlanException e = error(PlanFiles.MINIMAL + "verify:\n  every: 1 hour\n");

        assertThat(e).hasMessage(at(11, 10) + "verify.every: expected a duration of at least 1m and at most 3650d, such as 30m, 1h or "
                + "2h30m, got '1 hour'. Did you mean '1h'?");
        assertThat(e.field()).isEqualTo("verify.every");
        assertThat(e.suggestion()).contains("1h");
        assertThat(error(PlanFiles.MINIMAL + "verify:\n  every: 1.5h\n").suggestion()).contains("1h30m");
        assertThat(error(PlanFiles.MINIMAL + "verify:\n  every: 90min\n").suggestion()).contains("1h30m");
        assertThat(error(PlanFiles.MINIMAL + "verify:\n  every: 2 hours 30 minutes\n").suggestion()).contains("2h30m");
    }

    @Test
    void unreadableDurationIsATypeError() {
        assertThat(error(PlanFiles.MINIMAL + "verify:\n  every: hourly\n"))
                .hasMessage(at(11, 10) + "verify.every: expected a duration of at least 1m and at most 3650d, such as 30m, 1h or 2h30m, "
                        + "got 'hourly'.");
        assertThat(error(PlanFiles.MINIMAL + "verify:\n  every: 30m1h\n").suggestion()).as("smallest unit first")
                .contains("1h30m");
    }

    @Test
    void durationWithoutAUnitAsksForOne() {
        PlanException e = error(PlanFiles.MINIMAL + "verify:\n  every: 90\n");

        assertThat(e).hasMessage(at(11, 10) + "verify.every: expected a duration of at least 1m and at most 3650d, such as 30m, 1h or "
                + "2h30m, got '90'. A number alone has no unit: add s, m, h or d, as in 90m.");
        assertThat(e.suggestion()).isEmpty();
    }

    @Test
    void durationBelowTheMinimumIsRefused() {
        PlanException e = error(PlanFiles.MINIMAL + "verify: {every: 30s}\n");

        assertThat(e).hasMessage(at(10, 17) + "verify.every: expected a duration of at least 1m and at most 3650d, such as 30m, 1h or "
                + "2h30m, got '30s'.");
        assertThat(e.expected()).contains("a duration of at least 1m and at most 3650d, such as 30m, 1h or 2h30m");
        assertThat(error(PlanFiles.MINIMAL + "verify: {every: 0m}\n")).hasMessageContaining("got '0m'.");
    }

    @Test
    void percentOutOfRangeIsRefused() {
        assertThat(error(PlanFiles.MINIMAL + "verify:\n  every: 1h\n  sample: 0%\n"))
                .hasMessage(at(12, 11) + "verify.sample: expected a percentage of more than 0% and at most 100%, "
                        + "such as 5%, got '0%'.");
        assertThat(error(PlanFiles.MINIMAL + "verify:\n  every: 1h\n  sample: 150%\n"))
                .hasMessageEndingWith("got '150%'.");
        assertThat(error(PlanFiles.MINIMAL + "verify:\n  every: 1h\n  sample: -5%\n"))
                .hasMessageEndingWith("got '-5%'.");
        assertThat(error(PlanFiles.MINIMAL + "verify:\n  every: 1h\n  sample: lots\n"))
                .hasMessageEndingWith("got 'lots'.");
    }

    @Test
    void percentWithoutItsSignIsExplained() {
        PlanException e = error(PlanFiles.MINIMAL + "verify:\n  every: 1h\n  sample: 5\n");

        assertThat(e).hasMessage(at(12, 11) + "verify.sample: expected a percentage of more than 0% and at most 100%, "
                + "such as 5%, got '5'. Did you mean '5%'?");
        assertThat(e.suggestion()).contains("5%");
        PlanException fraction = error(PlanFiles.MINIMAL + "verify:\n  every: 1h\n  sample: 0.05\n");
        assertThat(fraction).hasMessageEndingWith("got '0.05'. Write it with a percent sign; a fraction such as 0.05 "
                + "is written 5%.");
        assertThat(fraction.suggestion()).isEmpty();
    }

    @Test
    void misspelledVerifyFieldSuggestsTheKnownOne() {
        PlanException e = error(PlanFiles.MINIMAL + "verify:\n  every: 1h\n  sampel: 5%\n");

        assertThat(e).hasMessage(at(12, 3) + "unknown field 'sampel' in 'verify'. Did you mean 'sample'? "
                + "Known fields: every, sample.");
        assertThat(e.suggestion()).contains("sample");
        assertThat(error(PlanFiles.MINIMAL + "verfiy:\n  every: 1h\n").suggestion()).contains("verify");
    }

    @Test
    void scheduleWithoutEveryIsReported() {
        PlanException e = error(PlanFiles.MINIMAL + "verify:\n  sample: 5%\n");

        assertThat(e).hasMessage(at(10, 1) + "missing required field 'every' in 'verify'. "
                + "Add it, for example: every: 1h.");
        assertThat(error(PlanFiles.MINIMAL + "verify: 1h\n"))
                .hasMessage(at(10, 9) + "verify: expected a map with the fields every, sample, got '1h'. "
                        + "Write it as a map, for example: {every: 1h}.");
    }

    @Test
    void nameThatNeedsQuotesSaysHowToQuoteItInYaml() {
        PlanException e = error(PlanFiles.MINIMAL.replace("source: payments", "source: Sales Ops.order-lines"));

        assertThat(e).hasMessage(at(9, 13) + "tables[0].source: expected a table name, written schema.table or table, "
                + "got 'Sales Ops.order-lines'. In Sales Ops, a space cannot appear in an unquoted name, which holds only "
                + "letters, digits, _ and $. Put the name in double quotes to keep it exactly as written: \"Sales Ops\". "
                + "Did you mean '\"Sales Ops\".\"order-lines\"'?");
        assertThat(e.suggestion()).contains("\"Sales Ops\".\"order-lines\"");
    }

    @Test
    void unbalancedQuoteInATableNameIsReported() {
        PlanException e = error(PlanFiles.MINIMAL.replace("source: payments", "source: '\"Sales Ops.orders'"));

        assertThat(e).hasMessage(at(9, 13) + "tables[0].source: expected a table name, written schema.table or table, "
                + "got '\"Sales Ops.orders'. The double quote at character 1 is never closed. End a quoted name with \" "
                + "and write a quote inside it twice (\"\").");
    }

    @Test
    void badColumnNameIsReportedAtItsEntry() {
        PlanException e = error(PlanFiles.MINIMAL + "    columns: [id, '\"\"']\n");

        assertThat(e).hasMessage(at(10, 19) + "tables[0].columns[1]: expected a column name, got '\"\"'. \"\" at "
                + "character 1 is an empty quoted name; a name has at least one character.");
    }

    @Test
    void tablesThatFoldToTheSameNameAreListedTwice() {
        PlanException e = error(PlanFiles.MINIMAL + "  - source: Public.Payments\n");

        assertThat(e).hasMessage(at(10, 13) + "tables[1].source: table public.payments is listed twice "
                + "(first as tables[0].source on line 9). Remove one of the entries.");
    }

    @Test
    void userIsRequiredForSourceAndTarget() {
        PlanException e = error(PlanFiles.MINIMAL.replaceFirst("  user: migrator\n", ""));

        assertThat(e).hasMessage(at(2, 1) + "missing required field 'user' in 'source'. "
                + "Add it, for example: user: migrator.");
        assertThat(e.field()).isEqualTo("source.user");
        assertThat(error(PlanFiles.MINIMAL.replace("shop\n  user: migrator\ntables", "shop\ntables")))
                .hasMessage(at(5, 1) + "missing required field 'user' in 'target'. Add it, for example: user: migrator.");
    }

    @Test
    void controlUrlWithoutUserIsReported() {
        PlanException e = error(PlanFiles.MINIMAL + "control:\n  url: jdbc:postgresql://ops-db:5432/ops\n");

        assertThat(e).hasMessage(at(10, 1) + "missing required field 'user' in 'control'. With control.url the "
                + "control store is a database of its own, reached as its own user. Add it, for example: user: safeshift.");
        assertThat(e.field()).isEqualTo("control.user");
    }

    @Test
    void durationLongerThanTenYearsIsRefused() {
        PlanException e = error(PlanFiles.MINIMAL + "verify:\n  every: 106751991167300d1h\n");

        assertThat(e).hasMessage(at(11, 10) + "verify.every: expected a duration of at least 1m and at most 3650d, "
                + "such as 30m, 1h or 2h30m, got '106751991167300d1h'.");
        assertThat(error(PlanFiles.MINIMAL + "verify: {every: 3651d}\n")).hasMessageEndingWith("got '3651d'.");
        assertThat(error(PlanFiles.MINIMAL + "verify: {every: 99999999999999999999999d}\n"))
                .hasMessageEndingWith("got '99999999999999999999999d'.");
    }

    @Test
    void giveUpAfterHasItsBounds() {
        assertThat(error(PlanFiles.MINIMAL + "retry:\n  give-up-after: 10s\n")).hasMessage(at(11, 18)
                + "retry.give-up-after: expected a duration of at least 30s and at most 3650d, such as 30m, 1h or 2h30m, "
                + "got '10s'.");
        assertThat(error(PlanFiles.MINIMAL + "retry:\n  give-up-after: 4000d\n")).hasMessageEndingWith("got '4000d'.");
    }

    @Test
    void existingRowsIsOneOfTwoWords() {
        PlanException e = error(PlanFiles.MINIMAL + "    existing-rows: delete\n");

        assertThat(e).hasMessage(at(10, 20) + "tables[0].existing-rows: expected refuse or replace, got 'delete'.");
        PlanException shouted = error(PlanFiles.MINIMAL + "    existing-rows: REPLACE\n");
        assertThat(shouted).hasMessageEndingWith("got 'REPLACE'. Did you mean 'replace'?");
        assertThat(shouted.suggestion()).contains("replace");
    }

    @Test
    void sizeWithoutAUnitOrWithAnotherSpellingIsExplained() {
        assertThat(error(PlanFiles.MINIMAL + "stream:\n  warn-retained-wal: 10\n")).hasMessage(at(11, 22)
                + "stream.warn-retained-wal: expected a size of at least 1MB and at most 1024TB, such as 512MB or 10GB, "
                + "got '10'. A number alone has no unit: add kB, MB, GB or TB, as in 10MB.");
        assertThat(error(PlanFiles.MINIMAL + "stream:\n  warn-retained-wal: 10gb\n").suggestion()).contains("10GB");
        assertThat(error(PlanFiles.MINIMAL + "stream:\n  warn-retained-wal: 10 GiB\n").suggestion()).contains("10GB");
        assertThat(error(PlanFiles.MINIMAL + "stream:\n  warn-retained-wal: 1.5GB\n")).hasMessageEndingWith("got '1.5GB'.");
    }

    @Test
    void sizeOutOfRangeIsRefused() {
        assertThat(error(PlanFiles.MINIMAL + "stream:\n  warn-retained-wal: 512kB\n")).hasMessageEndingWith("got '512kB'.");
        assertThat(error(PlanFiles.MINIMAL + "stream:\n  warn-retained-wal: 1025TB\n")).hasMessageEndingWith("got '1025TB'.");
        assertThat(error(PlanFiles.MINIMAL + "stream:\n  warn-retained-wal: 99999999999999999TB\n"))
                .hasMessageEndingWith("got '99999999999999999TB'.");
    }

    @Test
    void veryLongValuesAreCutInMessages() {
        String key = "k".repeat(60_000);
        // YAML allows keys this long only when written as explicit keys, after "? ".
        PlanException e = error(PlanFiles.MINIMAL + "? " + key + "\n: 1\n");

        assertThat(e.getMessage()).hasSizeLessThan(400).contains("unknown field 'kkk");
        assertThat(error(PlanFiles.MINIMAL + "copy: {parallelism: " + "9".repeat(50_000) + "}\n").getMessage())
                .hasSizeLessThan(400);
    }
}
