package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    private PlanException error(byte[] content) throws IOException {
        file = Files.write(dir.resolve("plan.yaml"), content);
        return catchThrowableOfType(PlanException.class, () -> PlanLoader.load(file, PlanFiles.ENVIRONMENT));
    }

    private static byte[] bytes(String text, int... inserted) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        out.write(utf8, 0, utf8.length);
        for (int b : inserted) {
            out.write(b);
        }
        return out.toByteArray();
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

        assertThat(e).hasMessage(at(10, 1) + "the file is not valid YAML: a second document starts here. A plan is "
                + "a single YAML document; remove this '---' or split the file.");
    }

    @Test
    void emptyFileIsReported() {
        assertThat(error("")).hasMessage(file + ": the plan file is empty. A plan needs at least the fields "
                + "name, source, tables, and target or change; docs/plan-reference.md describes every field.");
        assertThat(error("# nothing yet\n")).hasMessageContaining("the plan file is empty");
    }

    @Test
    void topLevelListIsATypeError() {
        assertThat(error("- name: payments_move\n")).hasMessage(at(1, 1) + "the plan: expected a map with the fields "
                + "name, source, target, tables, change, apply, control, copy, verify, retry, stream, cutover, gate, business, risks, owners, got a list.");
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

    @Test
    void namedPipeIsRefusedWithoutWaitingForAWriter() throws Exception {
        Path fifo = dir.resolve("plan.yaml");
        Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mkfifo.waitFor() == 0, "mkfifo is available");

        // Opening a pipe for reading would block until a writer appears: the check must not open it.
        PlanException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> catchThrowableOfType(PlanException.class, () -> PlanLoader.load(fifo, Map.of())));

        assertThat(e).hasMessage(fifo + ": this is a named pipe (FIFO), not a plan file, so it is not read. Safeshift "
                + "reads plans from regular files only: save the plan to a file and give its path.");
    }

    @Test
    void deviceIsRefused() {
        Path device = Path.of("/dev/zero");
        assumeTrue(Files.exists(device), "a Unix system");

        PlanException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> catchThrowableOfType(PlanException.class, () -> PlanLoader.load(device, Map.of())));

        assertThat(e).hasMessageStartingWith(device + ": this is a character device, not a plan file");
    }

    @Test
    void symbolicLinkToAPlanIsFollowed() throws IOException {
        Path target = PlanFiles.write(dir, PlanFiles.MINIMAL);
        Path link = dir.resolve("current-plan.yaml");
        try {
            Files.createSymbolicLink(link, target);
        } catch (UnsupportedOperationException | IOException e) {
            assumeTrue(false, "symbolic links can be created here");
        }

        assertThat(PlanLoader.load(link, PlanFiles.ENVIRONMENT).name()).isEqualTo("payments_move");
    }

    @Test
    void fileOverTheLimitIsRefusedFromItsSizeBeforeItIsRead() throws IOException {
        Path big = dir.resolve("plan.yaml");
        try (RandomAccessFile sparse = new RandomAccessFile(big.toFile(), "rw")) {
            sparse.setLength(16L * 1024 * 1024);
        }

        PlanException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                () -> catchThrowableOfType(PlanException.class, () -> PlanLoader.load(big, Map.of())));

        assertThat(e).hasMessage(big + ": the file is 16.0 MB, and a plan file is at most 3 MB; a plan holds names, "
                + "URLs and settings. Check that this is the plan file.");
    }

    @Test
    void readingStopsAtTheLimitWhenTheFileKeepsGrowing() {
        InputStream endless = new InputStream() {
            @Override
            public int read() {
                return 'a';
            }
        };

        PlanException e = assertTimeoutPreemptively(Duration.ofSeconds(5), () -> catchThrowableOfType(
                PlanException.class, () -> PlanText.readAtMost(Path.of("plan.yaml"), endless)));

        assertThat(e).hasMessageStartingWith("plan.yaml: the file is more than 3 MB, and a plan file is at most 3 MB");
    }

    @Test
    void fileJustUnderTheLimitIsReadQuickly() {
        // Many long lines: the most text a plan may hold, read and checked well within a second or two.
        String line = "# " + "x".repeat(PlanText.MAX_LINE_LENGTH - 2) + "\n";
        StringBuilder yaml = new StringBuilder(PlanFiles.MINIMAL);
        while (yaml.length() + line.length() < PlanText.MAX_BYTES) {
            yaml.append(line);
        }

        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> {
            PlanException e = error(yaml.toString());
            assertThat(e).isNull();
        });
    }

    @Test
    void overlongLineIsRefusedBeforeParsing() {
        PlanException e = error(PlanFiles.MINIMAL + "owners:\n  - name: " + "x".repeat(3_000_000) + "\n    role: lead\n");

        assertThat(e).hasMessage(at(11, 1) + "line 11 is longer than 65,536 characters, which is more than a plan "
                + "ever needs; a plan holds names, URLs and settings. Check that this is the plan file.");
    }

    @Test
    void bytesThatAreNotUtf8AreReportedWithTheirPosition() throws IOException {
        PlanException e = error(bytes("name: payments_move\nsource:\n  url: caf", 0xE9, '\n'));

        assertThat(e).hasMessage(file + ": the file is not UTF-8 text (byte 0xE9 at line 3, column 11). Save it as UTF-8.");
        assertThat(error(bytes("", 0xC3))).as("cut off in the middle of a character")
                .hasMessageContaining("(byte 0xC3 at line 1, column 1)");
        assertThat(error(bytes("name: ü", 0xC0, 0x80))).as("an overlong encoding of NUL")
                .hasMessageContaining("(byte 0xC0 at line 1, column 8)");
    }

    @Test
    void utf16FileIsRecognisedByItsByteOrderMark() throws IOException {
        byte[] utf16 = ("\uFEFF" + PlanFiles.MINIMAL).getBytes(StandardCharsets.UTF_16LE);

        assertThat(error(utf16)).hasMessage(file + ": the file is UTF-16 text (it starts with a UTF-16 byte order mark), "
                + "not UTF-8. Save it as UTF-8.");
    }

    @Test
    void controlCharacterIsReportedAtItsPosition() throws IOException {
        PlanException e = error(bytes("name: pay", 0, '\n'));

        assertThat(e).hasMessage(at(1, 10) + "the file contains the control character U+0000, which YAML does not "
                + "allow. Remove it; to have it in a value, write it as an escape such as \\t inside double quotes.");
        assertThat(error(bytes("name: x\r\nsource: a", 0x1B))).hasMessageStartingWith(at(2, 10)
                + "the file contains the control character U+001B");
    }

    @Test
    void aByteOrderMarkAndWindowsLineEndsAreFine() throws IOException {
        byte[] content = bytes("", 0xEF, 0xBB, 0xBF);
        byte[] plan = PlanFiles.MINIMAL.replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] both = new byte[content.length + plan.length];
        System.arraycopy(content, 0, both, 0, content.length);
        System.arraycopy(plan, 0, both, content.length, plan.length);
        file = Files.write(dir.resolve("plan.yaml"), both);

        assertThatCode(() -> PlanLoader.load(file, PlanFiles.ENVIRONMENT)).doesNotThrowAnyException();
    }
}
