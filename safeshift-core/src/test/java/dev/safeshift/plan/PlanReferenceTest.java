package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

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
        assertThat(PlanReference.exampleYaml()).contains("rows-per-chunk:", "contact:", "schema:", "existing-rows:",
                "give-up-after:", "warn-retained-wal:");
        assertThat(plan.cutover().pgbouncer()).isPresent();
    }

    /**
     * The sections of the traffic switches exclude each other (each is refused unless its switch is
     * chosen), so one plan cannot show them all: the main example shows the pgbouncer switch, and
     * exactly the command switch's section is left to the example written with {@code switch: command}.
     */
    @Test
    void mainExampleLeavesOutOnlyTheSectionsOfAnotherSwitch() {
        Set<String> left = new TreeSet<>(schemaPaths(PlanSchema.root(), ""));
        left.removeAll(yamlPaths(PlanReference.exampleYaml()));

        assertThat(left).containsExactly("cutover.command", "cutover.command.args", "cutover.command.path",
                "cutover.command.timeout");
        assertThat(PlanReference.alternatives()).containsExactly(new PlanReference.Alternative("cutover.switch", "command"));
    }

    @Test
    void everyFieldIsInTheMainExampleOrInTheExampleOfTheChoiceThatUsesIt() {
        Set<String> shown = new TreeSet<>(yamlPaths(PlanReference.exampleYaml()));
        PlanReference.alternatives().forEach(alternative -> shown.addAll(yamlPaths(alternative.planYaml())));

        assertThat(shown).containsAll(schemaPaths(PlanSchema.root(), ""));
    }

    @Test
    void exampleWithTheCommandSwitchIsAValidPlan(@TempDir Path dir) {
        PlanReference.Alternative command = new PlanReference.Alternative("cutover.switch", "command");
        Plan plan = PlanFiles.load(dir, command.planYaml());

        assertThat(plan.cutover().trafficSwitch()).isEqualTo(CutoverSettings.SwitchKind.COMMAND);
        assertThat(plan.cutover().pgbouncer()).isEmpty();
        CommandSettings settings = plan.cutover().command().orElseThrow();
        assertThat(settings.arguments()).isNotEmpty();
        assertThat(settings.timeout()).isNotEqualTo(CommandSettings.DEFAULT_TIMEOUT);
        assertThat(command.sectionYaml()).isEqualTo("cutover:\n  switch: command\n  command:\n"
                + "    path: /opt/shop/switch-traffic.sh\n    args: [--backend, shop]\n    timeout: 20s\n");
        assertThat(PlanReference.markdown()).contains("With `switch: command` instead, `cutover` has `command` in place"
                + " of `pgbouncer` (the rest as above):\n\n```yaml\n" + command.sectionYaml() + "```");
    }

    /** Every field of the schema by path, list entries written {@code []}. */
    private static List<String> schemaPaths(Field map, String path) {
        List<String> paths = new ArrayList<>();
        for (Field field : map.fields()) {
            String fieldPath = path.isEmpty() ? field.name() : path + "." + field.name();
            paths.add(fieldPath);
            if (field.type() == FieldType.MAP) {
                paths.addAll(schemaPaths(field, fieldPath));
            } else if (field.type() == FieldType.LIST && field.items().type() == FieldType.MAP) {
                paths.addAll(schemaPaths(field.items(), fieldPath + "[]"));
            }
        }
        return paths;
    }

    /** Every key written in a YAML document by path, as {@link #schemaPaths} names them. */
    private static Set<String> yamlPaths(String yaml) {
        Set<String> paths = new TreeSet<>();
        collect(new Yaml().load(yaml), "", paths);
        return paths;
    }

    private static void collect(Object node, String path, Set<String> paths) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((key, value) -> {
                String keyPath = path.isEmpty() ? String.valueOf(key) : path + "." + key;
                paths.add(keyPath);
                collect(value, keyPath, paths);
            });
        } else if (node instanceof List<?> list) {
            list.forEach(item -> collect(item, path + "[]", paths));
        }
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
