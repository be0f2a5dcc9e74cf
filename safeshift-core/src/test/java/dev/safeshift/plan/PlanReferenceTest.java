package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** docs/plan-reference.md is generated from the schema; this keeps the committed copy current. */
class PlanReferenceTest {

    private static final Path PAGE = RepositoryRoot.find().resolve("docs/plan-reference.md");

    @Test
    void committedReferenceMatchesTheSchema() throws IOException {
        String generated = PlanReference.markdown();
        if (Boolean.getBoolean("safeshift.writeDocs")) {
            Files.createDirectories(PAGE.getParent());
            Files.writeString(PAGE, generated);
        }
        String committed = Files.isRegularFile(PAGE) ? Files.readString(PAGE) : "";

        assertThat(committed)
                .withFailMessage("docs/plan-reference.md is out of date with PlanSchema. Regenerate it with:%n  %s",
                        PlanReference.REGENERATE)
                .isEqualTo(generated);
    }

    @Test
    void exampleInTheReferenceIsAValidPlanUsingEveryField(@TempDir Path dir) {
        Plan plan = PlanFiles.load(dir, PlanReference.exampleYaml());

        assertThat(plan.control().endpoint()).isPresent();
        assertThat(plan.tables()).allSatisfy(t -> assertThat(t.columns()).isNotEmpty());
        assertThat(plan.owners()).allSatisfy(o -> assertThat(o.contact()).isNotNull());
        assertThat(plan.verify()).isPresent();
        assertThat(plan.cutover().triggers()).anySatisfy(t -> {
            assertThat(t.pattern()).isPresent();
            assertThat(t.owner()).isPresent();
            assertThat(t.deadline()).isPresent();
        });
        assertThat(plan.cutover().triggers()).extracting(TriggerSpec::provider)
                .as("a trigger of every provider").containsExactlyInAnyOrder(ProviderKind.values());
        assertThat(plan.cutover().triggers()).anySatisfy(t -> assertThat(t.providerQuery()).isPresent());
        List<String> missing = fieldNames(PlanSchema.root()).stream()
                .filter(name -> !Pattern.compile("(?m)^[ -]*" + Pattern.quote(name) + ":")
                        .matcher(PlanReference.exampleYaml()).find())
                .toList();
        assertThat(missing).as("fields the example never writes").isEmpty();
        assertThat(PlanReference.exampleYaml()).contains("rows-per-chunk:", "contact:", "schema:", "existing-rows:",
                "give-up-after:", "warn-retained-wal:");
    }

    private static List<String> fieldNames(Field field) {
        List<String> names = new ArrayList<>();
        for (Field nested : field.fields()) {
            names.add(nested.name());
            names.addAll(fieldNames(nested));
        }
        if (field.items() != null) {
            names.addAll(fieldNames(field.items()));
        }
        return names;
    }

    @Test
    void referenceDocumentsEverySectionAndDefault() {
        assertThat(PlanReference.markdown())
                .contains("## `copy`", "## `tables[]`", "## `owners[]`", "## `control`")
                .contains("| `parallelism` | integer between 1 and 64 | default `4` |")
                .contains("| `rows-per-chunk` | integer of at least 100 | default `250000` |")
                .contains("`[a-z][a-z0-9_]{0,39}`")
                .contains("## `verify`", "| `every` | duration of at least 1m and at most 3650d | required |")
                .contains("| `sample` | percentage | default: every chunk (a full verification) |")
                .contains("| `existing-rows` | `refuse` or `replace` | default `refuse` |")
                .contains("## `retry`", "| `give-up-after` | duration of at least 30s and at most 3650d | default `10m` |")
                .contains("## `stream`", "| `warn-retained-wal` | size of at least 1MB and at most 1024TB | default `10GB` |")
                .contains("| `user` | string | required |", "| `user` | string | required with `url` |")
                .contains("## `cutover.triggers[]`", "| `deadline` | duration of at least 1s and at most 3650d | "
                        + "required when `action` is `rollback` |");
    }
}
