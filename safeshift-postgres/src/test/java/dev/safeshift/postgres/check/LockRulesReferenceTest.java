package dev.safeshift.postgres.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** docs/lock-rules.md is generated from the rule catalog; this keeps the committed copy current. */
class LockRulesReferenceTest {

    @Test
    void committedPageMatchesTheRules() throws IOException {
        Path page = repositoryRoot().resolve("docs/lock-rules.md");
        String generated = LockRulesReference.markdown();
        if (Boolean.getBoolean("safeshift.writeDocs")) {
            Files.writeString(page, generated);
        }
        String committed = Files.isRegularFile(page) ? Files.readString(page) : "";

        assertThat(committed)
                .withFailMessage("docs/lock-rules.md is out of date with the rule catalog. Regenerate it with:%n  %s",
                        LockRulesReference.REGENERATE)
                .isEqualTo(generated);
    }

    @Test
    void pageListsEveryRuleWithItsReference() {
        String page = LockRulesReference.markdown();

        assertThat(RuleCatalog.all()).allSatisfy(rule -> assertThat(page)
                .contains("| `" + rule.id() + "` | " + rule.severity().label() + " |")
                .contains(rule.reference()));
    }

    /** Maven runs tests in the module directory; the page lives in the repository's docs. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("docs")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root above " + Path.of("").toAbsolutePath());
    }
}
