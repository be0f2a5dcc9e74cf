package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plan's {@code change}: SQL written in the plan, a migration file, or a directory of Flyway migrations. */
class PlanChangeTest {

    /** A plan without a target, so it only changes the source in place; a change follows it. */
    private static final String CHANGE_ONLY = """
            name: payments_check
            source:
              url: jdbc:postgresql://old-db:5432/shop
              user: migrator
            tables:
              - source: payments
            """;

    @TempDir
    Path dir;

    private Path file;

    private Plan load(String yaml) {
        file = PlanFiles.write(dir, yaml);
        return PlanLoader.load(file, PlanFiles.ENVIRONMENT);
    }

    private PlanException error(String yaml) {
        file = PlanFiles.write(dir, yaml);
        return catchThrowableOfType(PlanException.class, () -> PlanLoader.load(file, PlanFiles.ENVIRONMENT));
    }

    private String at(int line, int column) {
        return file + ":" + line + ":" + column + ": ";
    }

    private Path write(String relative, String content) throws IOException {
        Path path = dir.resolve(relative);
        Files.createDirectories(path.getParent());
        return Files.writeString(path, content);
    }

    private List<ChangeScript> scripts(Plan plan) {
        return plan.change().orElseThrow().scripts();
    }

    @Test
    void sqlWrittenInThePlanKeepsItsTextAndTheLineItStartsOn() {
        Plan plan = load(CHANGE_ONLY + """
                change:
                  - |
                    -- the check is added unvalidated first, which takes only a brief lock
                    ALTER TABLE payments ADD CONSTRAINT amount_positive CHECK (amount_cents > 0) NOT VALID;
                    ALTER TABLE payments VALIDATE CONSTRAINT amount_positive;
                  - CREATE INDEX CONCURRENTLY payments_created ON payments (created_at)
                """);

        assertThat(scripts(plan)).containsExactly(
                ChangeScript.inline("plan.yaml", """
                        -- the check is added unvalidated first, which takes only a brief lock
                        ALTER TABLE payments ADD CONSTRAINT amount_positive CHECK (amount_cents > 0) NOT VALID;
                        ALTER TABLE payments VALIDATE CONSTRAINT amount_positive;
                        """, 9),
                ChangeScript.inline("plan.yaml", "CREATE INDEX CONCURRENTLY payments_created ON payments "
                        + "(created_at)", 12));
        assertThat(scripts(plan).get(0).lineCount()).isEqualTo(3);
    }

    @Test
    void aBlockThatStartsWithBlankLinesStillCountsFromTheLineAfterItsBar() {
        Plan plan = load(CHANGE_ONLY + "change:\n  - |-\n\n    SELECT 1;\n");

        ChangeScript script = scripts(plan).get(0);
        assertThat(script.sql()).isEqualTo("\nSELECT 1;");
        assertThat(script.firstLine()).isEqualTo(9);
        assertThat(script.sql().lines().toList().indexOf("SELECT 1;") + script.firstLine()).isEqualTo(10);
    }

    @Test
    void aChangeOnlyPlanHasNoTargetAndSaysSoWhenAMoveAsksForOne() {
        Plan plan = load(CHANGE_ONLY + "change:\n  - ALTER TABLE payments ADD COLUMN note text\n");

        assertThat(plan.target()).isEmpty();
        assertThat(plan.change()).isPresent();
        PlanException noTarget = catchThrowableOfType(PlanException.class, plan::moveTarget);
        assertThat(noTarget).hasMessage(file + ": the plan has no target: it only changes the source in place "
                + "(change:) and moves nothing. To move its tables, add target: with url, user and password.");
        assertThat(plan.controlEndpoint()).as("the state of an in-place change is kept on the source")
                .isEqualTo(plan.source());
    }

    @Test
    void aChangeOnlyPlanKeepsItsStateWhereControlSays() {
        Plan plan = load(CHANGE_ONLY + """
                control:
                  url: jdbc:postgresql://ops-db:5432/ops
                  user: safeshift
                change:
                  - ALTER TABLE payments ADD COLUMN note text
                """);

        assertThat(plan.controlEndpoint()).isEqualTo(Endpoint.of("jdbc:postgresql://ops-db:5432/ops", "safeshift"));
    }

    @Test
    void aPlanMayMoveAndChange() {
        Plan plan = load(PlanFiles.MINIMAL + "change:\n  - ALTER TABLE payments ADD COLUMN note text\n");

        assertThat(plan.moveTarget().url()).isEqualTo("jdbc:postgresql://new-db:5432/shop");
        assertThat(scripts(plan)).hasSize(1);
    }

    @Test
    void aMovePlanWithoutAChangeHasNone() {
        assertThat(load(PlanFiles.MINIMAL).change()).isEmpty();
    }

    @Test
    void aPlanWithNeitherTargetNorChangeIsRefusedWithBothWaysOut() {
        PlanException e = error(CHANGE_ONLY);

        assertThat(e).hasMessage(at(1, 1) + "the plan has neither a target nor a change. Add target: (url, user, "
                + "password) to move the tables to another database, or change: (SQL, or the path of a migration file "
                + "or directory) to change the source tables in place; a plan may have both.");
        assertThat(e.field()).isEqualTo("target");
    }

    @Test
    void anEmptyListIsRefused() {
        PlanException e = error(CHANGE_ONLY + "change: []\n");

        assertThat(e).hasMessage(at(7, 9) + "change: expected a list of SQL texts, or the path of a migration file or "
                + "directory, got an empty list. Write the SQL of the change in it, or remove 'change'.");
    }

    @Test
    void anEmptyEntryIsRefused() {
        assertThat(error(CHANGE_ONLY + "change:\n  - ALTER TABLE payments ADD COLUMN note text\n  - ''\n"))
                .hasMessage(at(9, 5) + "change[1] is empty. Write SQL in it, or remove the entry.");
        assertThat(error(CHANGE_ONLY + "change:\n  -\n")).hasMessageContaining("change[0]: expected SQL text, got nothing.");
    }

    @Test
    void anEntryThatIsNotTextIsRefused() {
        assertThat(error(CHANGE_ONLY + "change:\n  - sql: ALTER TABLE payments ADD COLUMN note text\n"))
                .hasMessage(at(8, 5) + "change[0]: expected SQL text, got a map. Write the SQL after '- |', on the "
                        + "lines below, indented.");
    }

    @Test
    void aFoldedBlockIsRefusedBecauseACommentWouldSwallowTheNextLine() {
        PlanException e = error(CHANGE_ONLY + "change:\n  - >\n    -- why\n    ALTER TABLE payments DROP COLUMN note;\n");

        assertThat(e).hasMessage(at(8, 5) + "change[0] is written with '>', which joins its lines into one, so a -- "
                + "comment would swallow the SQL after it. Write '|' instead, which keeps the lines as written.");
    }

    @Test
    void textOverSeveralLinesWithoutABarIsRefused() {
        PlanException plain = error(CHANGE_ONLY + "change:\n  - ALTER TABLE payments\n    DROP COLUMN note\n");
        PlanException quoted = error(CHANGE_ONLY + "change:\n  - \"ALTER TABLE payments\n    DROP COLUMN note\"\n");

        assertThat(plain).hasMessage(at(8, 5) + "change[0] spans several lines without '|', so YAML joins them into "
                + "one, and a -- comment would swallow the SQL after it. Write it as a block: '- |', then the SQL on "
                + "the lines below, indented.");
        assertThat(quoted).hasMessageContaining("change[0] spans several lines without '|'");
    }

    @Test
    void sqlWrittenStraightAfterTheFieldIsNotTakenForAPath() {
        PlanException e = error(CHANGE_ONLY + "change: |\n  ALTER TABLE payments ADD COLUMN note text;\n");

        assertThat(e).hasMessage(at(7, 9) + "change holds text of several lines, which is SQL rather than the path of a "
                + "migration file. Write SQL as a list: an entry starting with '- |' on the line below 'change:', and "
                + "the SQL on the lines below it, indented.");
    }

    @Test
    void aMapIsNeitherAListNorAPath() {
        assertThat(error(CHANGE_ONLY + "change:\n  file: V1__x.sql\n")).hasMessage(at(8, 3) + "change: expected a "
                + "list of SQL texts, or the path of a migration file or directory, got a map.");
    }

    @Test
    void aMigrationFileIsReadFromThePlansDirectoryWithItsFlywayVersionAndDescription() throws IOException {
        write("migrations/V7_1__add_amount_check.sql", "\uFEFFALTER TABLE payments\n  ADD CONSTRAINT amount_positive "
                + "CHECK (amount_cents > 0) NOT VALID;\n");

        Plan plan = load(CHANGE_ONLY + "change: migrations/V7_1__add_amount_check.sql\n");

        assertThat(scripts(plan)).containsExactly(new ChangeScript("migrations/V7_1__add_amount_check.sql",
                Optional.of("7.1"), Optional.of("add amount check"),
                "ALTER TABLE payments\n  ADD CONSTRAINT amount_positive CHECK (amount_cents > 0) NOT VALID;\n", 1));
    }

    @Test
    void aRelativePathIsReadFromThePlansDirectoryNotTheWorkingDirectory() throws IOException {
        write("shared/V3__note.sql", "ALTER TABLE payments ADD COLUMN note text;\n");
        Path plans = Files.createDirectories(dir.resolve("plans"));
        Path planFile = Files.writeString(plans.resolve("plan.yaml"), CHANGE_ONLY + "change: ../shared/V3__note.sql\n");

        Plan plan = PlanLoader.load(planFile, PlanFiles.ENVIRONMENT);

        assertThat(scripts(plan)).extracting(ChangeScript::origin, ChangeScript::version)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("../shared/V3__note.sql", Optional.of("3")));
    }

    @Test
    void anAbsolutePathIsReadAsWritten() throws IOException {
        Path sql = write("elsewhere/add_note.sql", "ALTER TABLE payments ADD COLUMN note text;\n");

        Plan plan = load(CHANGE_ONLY + "change: " + sql.toAbsolutePath() + "\n");

        ChangeScript script = scripts(plan).get(0);
        assertThat(script.origin()).isEqualTo(sql.toAbsolutePath().toString());
        assertThat(script.version()).as("a file that is not named as a Flyway migration has no version").isEmpty();
        assertThat(script.description()).isEmpty();
        assertThat(script.sql()).isEqualTo("ALTER TABLE payments ADD COLUMN note text;\n");
    }

    @Test
    void aDirectoryIsItsVersionedMigrationsInFlywayVersionOrder() throws IOException {
        write("migrations/V10__ten.sql", "SELECT 10;\n");
        write("migrations/V2__two.sql", "SELECT 2;\n");
        write("migrations/V10_1__ten_point_one.sql", "SELECT 10.1;\n");
        write("migrations/V1.9__one_point_nine.sql", "SELECT 1.9;\n");
        write("migrations/README.md", "Migrations of the payments change.\n");
        write("migrations/.gitkeep", "");

        Plan plan = load(CHANGE_ONLY + "change: migrations\n");

        assertThat(scripts(plan)).extracting(ChangeScript::origin).containsExactly("migrations/V1.9__one_point_nine.sql",
                "migrations/V2__two.sql", "migrations/V10__ten.sql", "migrations/V10_1__ten_point_one.sql");
        assertThat(scripts(plan)).extracting(s -> s.version().orElseThrow()).containsExactly("1.9", "2", "10", "10.1");
        assertThat(scripts(plan)).extracting(s -> s.description().orElseThrow())
                .containsExactly("one point nine", "two", "ten", "ten point one");
        assertThat(scripts(plan)).extracting(ChangeScript::sql).containsExactly("SELECT 1.9;\n", "SELECT 2;\n",
                "SELECT 10;\n", "SELECT 10.1;\n");
        assertThat(scripts(plan)).extracting(ChangeScript::firstLine).containsOnly(1);
    }

    @Test
    void aRepeatableMigrationInADirectoryIsRefused() throws IOException {
        write("migrations/V1__one.sql", "SELECT 1;\n");
        write("migrations/R__refresh_views.sql", "SELECT 2;\n");

        assertThat(error(CHANGE_ONLY + "change: migrations\n")).hasMessage(at(7, 9) + "change: "
                + "migrations/R__refresh_views.sql is a repeatable migration (R__), which Flyway runs again each time "
                + "it changes; a change runs each file once, in version order. Rename it to a versioned migration, "
                + "V<version>__refresh_views.sql, or move it out of migrations.");
    }

    @Test
    void anUndoMigrationIsRefused() throws IOException {
        write("migrations/V7__add.sql", "SELECT 1;\n");
        write("migrations/U7__add.sql", "SELECT 2;\n");

        assertThat(error(CHANGE_ONLY + "change: migrations\n")).hasMessage(at(7, 9) + "change: migrations/U7__add.sql "
                + "is an undo migration (U), which reverses version 7; a change only runs forward. Move it out of "
                + "migrations.");
        assertThat(error(CHANGE_ONLY + "change: migrations/U7__add.sql\n"))
                .hasMessageContaining("change: migrations/U7__add.sql is an undo migration (U), which reverses version 7");
    }

    @Test
    void twoMigrationsOfOneVersionAreRefused() throws IOException {
        write("migrations/V7__add.sql", "SELECT 1;\n");
        write("migrations/V7_0__also_add.sql", "SELECT 2;\n");

        assertThat(error(CHANGE_ONLY + "change: migrations\n")).hasMessage(at(7, 9) + "change: migrations/V7_0__also_add.sql"
                + " and migrations/V7__add.sql have the same version, 7, so their order is unknown. Rename one of them "
                + "to a version of its own.");
    }

    @Test
    void aSqlFileNotNamedAsAMigrationIsRefusedWithANameToGiveIt() throws IOException {
        write("migrations/V1__one.sql", "SELECT 1;\n");
        write("migrations/add_check.sql", "SELECT 2;\n");

        assertThat(error(CHANGE_ONLY + "change: migrations\n")).hasMessage(at(7, 9) + "change: migrations/add_check.sql "
                + "does not follow Flyway's naming, V<version>__<description>.sql, so its place in the order is unknown. "
                + "Rename it, for example to V<version>__add_check.sql, or move it out of migrations.");
    }

    @Test
    void aNameThatOnlyLacksFlywaysCapitalOrSuffixIsGivenTheRightSpelling() throws IOException {
        write("lower/v2__two.sql", "SELECT 2;\n");
        write("upper/V2__two.SQL", "SELECT 2;\n");

        assertThat(error(CHANGE_ONLY + "change: lower\n")).hasMessageContaining("Rename it, for example to V2__two.sql,");
        assertThat(error(CHANGE_ONLY + "change: upper\n")).hasMessageContaining("Rename it, for example to V2__two.sql,");
    }

    @Test
    void aVersionThatIsNotOneIsRefused() throws IOException {
        write("migrations/V7-1__add.sql", "SELECT 1;\n");
        write("single/Vlatest__add.sql", "SELECT 1;\n");

        assertThat(error(CHANGE_ONLY + "change: migrations\n")).hasMessage(at(7, 9) + "change: migrations/V7-1__add.sql"
                + " has '7-1' where the version goes, which is not one: a version is numbers separated by . or _, such "
                + "as 7 or 7_1. Rename it, for example to V7_1__add.sql.");
        assertThat(error(CHANGE_ONLY + "change: single/Vlatest__add.sql\n"))
                .hasMessageContaining("change: single/Vlatest__add.sql has 'latest' where the version goes");
    }

    @Test
    void aSubdirectoryIsRefusedRatherThanSilentlyLeftOut() throws IOException {
        write("migrations/V1__one.sql", "SELECT 1;\n");
        write("migrations/2026/V2__two.sql", "SELECT 2;\n");

        assertThat(error(CHANGE_ONLY + "change: migrations\n")).hasMessage(at(7, 9) + "change: migrations holds the "
                + "directory 2026, and Safeshift reads only the migrations directly in the directory that change: "
                + "names (Flyway would read subdirectories too). Point change: at migrations/2026, or move its "
                + "migrations up.");
    }

    @Test
    void aDirectoryWithoutMigrationsIsRefused() throws IOException {
        write("migrations/README.md", "nothing yet\n");

        assertThat(error(CHANGE_ONLY + "change: migrations\n")).hasMessage(at(7, 9) + "change: the directory migrations"
                + " holds no migration: no file named V<version>__<description>.sql, such as V7_1__add_amount_check.sql.");
    }

    @Test
    void aMissingFileIsNamedWithTheDirectoryItWasLookedFor() {
        PlanException e = error(CHANGE_ONLY + "change: migrations/V7__missing.sql\n");

        assertThat(e).hasMessage(at(7, 9) + "change: there is no file or directory at "
                + dir.resolve("migrations/V7__missing.sql").toAbsolutePath() + " (migrations/V7__missing.sql). A "
                + "relative path is read from the plan file's directory.");
        assertThat(e.field()).isEqualTo("change");
    }

    @Test
    void aBlankPathIsRefused() {
        assertThat(error(CHANGE_ONLY + "change: ' '\n")).hasMessageStartingWith(at(7, 9) + "change is blank.");
    }

    @Test
    void anEmptyFileIsRefused() throws IOException {
        write("migrations/V1__nothing.sql", " \n\n");

        assertThat(error(CHANGE_ONLY + "change: migrations/V1__nothing.sql\n")).hasMessage(at(7, 9) + "change: "
                + "migrations/V1__nothing.sql is empty. Write the SQL of the change in it, or leave it out of the change.");
    }

    @Test
    void aFileThatIsNotUtf8IsRefusedWithThePlaceOfTheFirstBadByte() throws IOException {
        Path sql = dir.resolve("V1__latin1.sql");
        Files.write(sql, "SELECT 1;\nSELECT 'caf\u00e9';\n".getBytes(StandardCharsets.ISO_8859_1));

        assertThat(error(CHANGE_ONLY + "change: V1__latin1.sql\n")).hasMessage(at(7, 9) + "change: V1__latin1.sql is "
                + "not UTF-8 text (byte 0xE9 at line 2, column 12). Save it as UTF-8.");
    }

    @Test
    void aFileWithANulCharacterIsNotSql() throws IOException {
        write("V1__binary.sql", "SELECT 1;\n\0\0\0");

        assertThat(error(CHANGE_ONLY + "change: V1__binary.sql\n")).hasMessage(at(7, 9) + "change: V1__binary.sql holds "
                + "a NUL character on line 2, which SQL text never does. Check that this is the migration file.");
    }

    @Test
    void aFileOverTheLimitIsNotRead() throws IOException {
        Path sql = dir.resolve("V1__dump.sql");
        try (RandomAccessFile out = new RandomAccessFile(sql.toFile(), "rw")) {
            out.setLength(ChangeFiles.MAX_FILE_BYTES + 1L);
        }

        assertThat(error(CHANGE_ONLY + "change: V1__dump.sql\n")).hasMessage(at(7, 9) + "change: V1__dump.sql is 3.0 MB,"
                + " and a migration file of a change is at most 3 MB; a change is schema statements, not data. Check "
                + "that this is the migration file.");
    }

    @Test
    void flywayNamesAreReadAsFlywayReadsThem() {
        ChangeFiles.Migration versioned = ChangeFiles.Migration.parse("V7_1__add_amount_check.sql").orElseThrow();

        assertThat(versioned.kind()).isEqualTo(ChangeFiles.Kind.VERSIONED);
        assertThat(versioned.version().getVersion()).isEqualTo("7.1");
        assertThat(versioned.description()).contains("add amount check");
        assertThat(ChangeFiles.Migration.parse("V1__.sql").orElseThrow().description()).isEmpty();
        assertThat(ChangeFiles.Migration.parse("R__views.sql").orElseThrow().kind()).isEqualTo(ChangeFiles.Kind.REPEATABLE);
        assertThat(ChangeFiles.Migration.parse("add_check.sql")).isEmpty();
        assertThat(ChangeFiles.Migration.parse("V1__x.txt")).isEmpty();
        assertThat(ChangeFiles.Migration.parse("B1__baseline.sql")).as("a letter Flyway has no versioned kind for").isEmpty();
    }
}
