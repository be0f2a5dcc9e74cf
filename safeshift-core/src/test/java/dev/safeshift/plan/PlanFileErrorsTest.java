package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A file that is missing, empty or not YAML at all is reported as plainly as a wrong field. */
class PlanFileErrorsTest {

    @TempDir
    Path dir;

    private Path file;

    private PlanException error(String yaml) {
        file = PlanFiles.write(dir, yaml);
        return catchThrowableOfType(PlanException.class, () -> PlanLoader.load(file, PlanFiles.ENVIRONMENT));
    }

    private String at(int line, int column) {
        return file + ":" + line + ":" + column + ": ";
    }

    @Test
    void malformedYamlIsReportedAtItsPosition() {
        PlanException e = error("name: payments_move\nsource:\n  url: a\n user: b\n");

        assertThat(e.line()).isEqualTo(4);
        assertThat(e.column()).isEqualTo(2);
        assertThat(e.getMessage()).startsWith(at(4, 2) + "the file is not valid YAML: ")
                .contains("Check the indentation");
    }

    @Test
    void tabIndentationIsExplained() {
        PlanException e = error("name: payments_move\nsource:\n\turl: jdbc:x\n");

        assertThat(e).hasMessage(at(3, 1) + "the file is not valid YAML: a tab character, where YAML allows only "
                + "spaces. Indent with spaces.");
    }

    @Test
    void secondDocumentIsReported() {
        PlanException e = error(PlanFiles.MINIMAL + "---\nname: other\n");

        assertThat(e).hasMessage(at(8, 1) + "the file is not valid YAML: a second document starts here. A plan is "
                + "a single YAML document; remove this '---' or split the file.");
    }

    @Test
    void emptyFileIsReported() {
        assertThat(error("")).hasMessage(file + ": the plan file is empty. A plan needs at least the fields "
                + "name, source, target, tables; docs/plan-reference.md describes every field.");
        assertThat(error("# nothing yet\n")).hasMessageContaining("the plan file is empty");
    }

    @Test
    void topLevelListIsATypeError() {
        assertThat(error("- name: payments_move\n")).hasMessage(at(1, 1) + "the plan: expected a map with the fields "
                + "name, source, target, tables, control, copy, verify, owners, got a list.");
    }

    @Test
    void missingFileIsReportedWithoutAStackTrace() {
        Path missing = dir.resolve("no-such-plan.yaml");

        PlanException e = catchThrowableOfType(PlanException.class, () -> PlanLoader.load(missing, Map.of()));

        assertThat(e).hasMessage(missing + ": there is no plan file at " + missing.toAbsolutePath()
                + ". Check the path and the directory safeshift runs in.");
        assertThat(e.line()).isZero();
    }

    @Test
    void directoryIsNotAPlan() {
        PlanException e = catchThrowableOfType(PlanException.class, () -> PlanLoader.load(dir, Map.of()));

        assertThat(e).hasMessageContaining("this is a directory, not a plan file");
    }
}
