package dev.safeshift.plan;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders the plan file reference (docs/plan-reference.md) from {@link PlanSchema}. A test
 * compares the committed page with this output, so the page always describes what the loader
 * accepts.
 */
public final class PlanReference {

    /** How to regenerate the page; also printed by the test that finds it stale. */
    public static final String REGENERATE =
            "mvn -B -q -pl safeshift-core test -Dtest=PlanReferenceTest -Dsafeshift.writeDocs=true";

    private PlanReference() {
    }

    /** The reference page, in Markdown. */
    public static String markdown() {
        Field root = PlanSchema.root();
        StringBuilder out = new StringBuilder();
        out.append("# Plan file reference\n\n")
                .append("<!-- Generated from PlanSchema by PlanReference. Do not edit by hand: change the schema,\n")
                .append("     then regenerate with: ").append(REGENERATE).append(" -->\n\n")
                .append("A plan file (`plan.yaml`) describes one migration: where the tables come from, where they\n")
                .append("go, where Safeshift keeps its state, how the copy runs, how often the result is verified\n")
                .append("and who is accountable. Safeshift reads it once and reports the first problem it finds with\n")
                .append("the file, line, column and field, for example:\n\n")
                .append("```\nplan.yaml:12:3: unknown field 'rows-per-chunck' in 'copy'. Did you mean 'rows-per-chunk'? ")
                .append("Known fields: parallelism, rows-per-chunk.\n```\n\n")
                .append("Passwords are never written in the plan. A `password` field names an environment variable,\n")
                .append("such as `${SOURCE_PGPASSWORD}`, which is read when the plan is loaded.\n\n")
                .append("A plan file is UTF-8 text (a byte order mark is allowed) of at most ")
                .append(PlanText.MAX_BYTES / (1024 * 1024)).append(" MB, with lines of at most\n")
                .append(String.format(Locale.ROOT, "%,d", PlanText.MAX_LINE_LENGTH))
                .append(" characters, in a regular file (or a symbolic link to one): Safeshift does not\n")
                .append("read plans from pipes or devices.\n\n")
                .append("## A complete example\n\n")
                .append("Every field is shown; only ").append(requiredFields(root)).append(" are required, and a\n")
                .append("`target`, a `change` or both: a plan moves its tables to the target, changes them in place on\n")
                .append("the source, or does both. A section that only one value of a choice uses, and every other\n")
                .append("value refuses, is shown after it.\n\n")
                .append("```yaml\n").append(exampleYaml()).append("```\n\n");
        for (Alternative alternative : alternatives()) {
            out.append("With `").append(alternative.key()).append(": ").append(alternative.value())
                    .append("` instead, `").append(alternative.section()).append("` has ")
                    .append(names(alternative.fields(alternative.value()))).append(" in place of ")
                    .append(names(alternative.fields(alternative.mainValue()))).append(" (the rest as above):\n\n")
                    .append("```yaml\n").append(alternative.sectionYaml()).append("```\n\n");
        }
        types(out, root);
        section(out, "Top level", null, root);
        for (Field field : root.fields()) {
            sections(out, field, field.name());
        }
        return out.toString();
    }

    private static String requiredFields(Field root) {
        List<String> names = root.fields().stream().filter(Field::required).map(f -> "`" + f.name() + "`").toList();
        return String.join(", ", names.subList(0, names.size() - 1)) + " and " + names.get(names.size() - 1);
    }

    /**
     * A plan using every field, built from the fields' examples, except the sections that only
     * another value of a choice uses ({@link #alternatives()}): they would be refused here.
     */
    public static String exampleYaml() {
        return exampleYaml(Map.of());
    }

    /**
     * The example plan with some choices written with other values, keyed by their path (such as
     * {@code cutover.switch}): the sections those values use come in, and those they refuse go.
     */
    public static String exampleYaml(Map<String, String> choices) {
        StringBuilder out = new StringBuilder();
        writeFields(out, PlanSchema.root().fields(), "", "", "", choices);
        return out.toString();
    }

    /** Each choice value that uses a section the main example leaves out, in schema order. */
    public static List<Alternative> alternatives() {
        Set<Alternative> found = new LinkedHashSet<>();
        collectAlternatives(PlanSchema.root(), "", found);
        return List.copyOf(found);
    }

    private static void collectAlternatives(Field map, String path, Set<Alternative> found) {
        for (Field field : map.fields()) {
            Field.Condition condition = field.onlyWhen();
            if (condition != null && !condition.value().equals(sibling(map, condition).example())) {
                found.add(new Alternative(join(path, condition.choice()), condition.value()));
            }
            if (field.type() == FieldType.MAP) {
                collectAlternatives(field, join(path, field.name()), found);
            }
        }
    }

    private static void writeFields(StringBuilder out, List<Field> fields, String firstIndent, String indent,
                                    String path, Map<String, String> choices) {
        String prefix = firstIndent;
        for (Field field : fields) {
            String fieldPath = join(path, field.name());
            Field.Condition condition = field.onlyWhen();
            if (condition != null) {
                Field choice = fields.stream().filter(f -> f.name().equals(condition.choice())).findFirst().orElseThrow();
                String chosen = choices.getOrDefault(join(path, condition.choice()), choice.example());
                if (!condition.value().equals(chosen)) {
                    continue;
                }
            }
            out.append(prefix).append(field.name()).append(':');
            if (field.type() == FieldType.MAP) {
                out.append('\n');
                writeFields(out, field.fields(), indent + "  ", indent + "  ", fieldPath, choices);
            } else if (field.example() != null && (field.example().contains("\n")
                    || field.type() == FieldType.LIST && field.items().type() == FieldType.MAP)) {
                out.append('\n');
                field.example().lines().forEach(line -> out.append(indent).append("  ").append(line).append('\n'));
            } else if (field.type() == FieldType.LIST && field.items().type() == FieldType.MAP) {
                out.append('\n');
                writeFields(out, field.items().fields(), indent + "  - ", indent + "    ", fieldPath + "[]", choices);
            } else {
                out.append(' ').append(choices.getOrDefault(fieldPath, field.example())).append('\n');
            }
            prefix = indent;
        }
    }

    private static String names(List<Field> fields) {
        return fields.isEmpty() ? "nothing" : String.join(", ", fields.stream().map(f -> "`" + f.name() + "`").toList());
    }

    private static Field sibling(Field map, Field.Condition condition) {
        return map.field(condition.choice()).orElseThrow(() -> new IllegalStateException(
                "no choice " + condition.choice() + " next to a field that depends on it"));
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    /**
     * A value of a choice whose sections the main example cannot show.
     *
     * @param choice the path of the choice, such as {@code cutover.switch}
     * @param value  the value, such as {@code command}
     */
    public record Alternative(String choice, String value) {

        /** The choice's own name, such as {@code switch}. */
        public String key() {
            return choice.substring(choice.lastIndexOf('.') + 1);
        }

        /** The path of the section holding the choice, such as {@code cutover}. */
        public String section() {
            return choice.substring(0, choice.lastIndexOf('.'));
        }

        /** The whole example plan written with this value. */
        public String planYaml() {
            return exampleYaml(Map.of(choice, value));
        }

        /** The value the main example gives the choice. */
        public String mainValue() {
            return map().field(key()).orElseThrow().example();
        }

        /** The fields of the section that only {@code choiceValue} of the choice uses. */
        public List<Field> fields(String choiceValue) {
            return map().fields().stream()
                    .filter(f -> f.onlyWhen() != null && f.onlyWhen().equals(new Field.Condition(key(), choiceValue)))
                    .toList();
        }

        /**
         * The section holding the choice, nested as in a plan, with only what this value changes:
         * the choice itself and the fields only this value uses.
         */
        public String sectionYaml() {
            StringBuilder out = new StringBuilder();
            String indent = "";
            for (String name : section().split("\\.")) {
                out.append(indent).append(name).append(":\n");
                indent += "  ";
            }
            List<Field> shown = new ArrayList<>();
            shown.add(map().field(key()).orElseThrow());
            shown.addAll(fields(value));
            writeFields(out, shown, indent, indent, section(), Map.of(choice, value));
            return out.toString();
        }

        /** The map holding the choice. */
        private Field map() {
            Field map = PlanSchema.root();
            for (String name : section().split("\\.")) {
                map = map.field(name).filter(f -> f.type() == FieldType.MAP).orElseThrow(() -> new IllegalStateException(
                        "the choice " + choice + " is not inside maps only"));
            }
            return map;
        }
    }

    private static void types(StringBuilder out, Field root) {
        Set<FieldType> used = EnumSet.noneOf(FieldType.class);
        collectTypes(root, used);
        out.append("## Value types\n\n| Type | How to write it |\n|---|---|\n");
        for (FieldType type : used) {
            out.append("| ").append(type.docName()).append(" | ").append(cell(type.meaning())).append(" |\n");
        }
        out.append('\n');
    }

    private static void collectTypes(Field field, Set<FieldType> used) {
        used.add(field.type());
        field.fields().forEach(f -> collectTypes(f, used));
        if (field.items() != null) {
            collectTypes(field.items(), used);
        }
    }

    /** One table per map in the tree, in the order the fields appear in the example. */
    private static void sections(StringBuilder out, Field field, String path) {
        if (field.type() == FieldType.MAP) {
            section(out, "`" + path + "`", field.description(), field);
            for (Field child : field.fields()) {
                sections(out, child, path + "." + child.name());
            }
        } else if (field.type() == FieldType.LIST && field.items().type() == FieldType.MAP) {
            section(out, "`" + path + "[]`", "Each entry of `" + path + "`.", field.items());
            for (Field child : field.items().fields()) {
                sections(out, child, path + "[]." + child.name());
            }
        }
    }

    private static void section(StringBuilder out, String title, String intro, Field map) {
        out.append("## ").append(title).append("\n\n");
        if (intro != null && !intro.isEmpty()) {
            out.append(intro).append("\n\n");
        }
        out.append("| Field | Type | Required / default | Description |\n|---|---|---|---|\n");
        for (Field field : map.fields()) {
            out.append("| `").append(field.name()).append("` | ").append(cell(typeText(field)))
                    .append(" | ").append(cell(requirement(field))).append(" | ")
                    .append(cell(description(field))).append(" |\n");
        }
        out.append('\n');
    }

    private static String typeText(Field field) {
        return switch (field.type()) {
            case INTEGER -> field.expectation().replaceFirst("^an ", "");
            case DURATION, SIZE -> field.type().docName() + " " + field.bounds();
            case CHOICE -> String.join(" or ", field.choices().stream().map(c -> "`" + c + "`").toList());
            case LIST -> (field.nonEmpty() ? "non-empty " : "") + "list of " + field.itemsNoun();
            default -> field.type().docName();
        };
    }

    private static String requirement(Field field) {
        if (field.required()) {
            return "required";
        }
        if (field.requiredWhen() != null) {
            return field.requiredWhen();
        }
        if (field.defaultValue() != null) {
            return "default `" + field.show(field.defaultValue()) + "`";
        }
        return field.defaultText() != null ? "default: " + field.defaultText() : "optional";
    }

    private static String description(Field field) {
        List<String> parts = new ArrayList<>();
        parts.add(field.description());
        Field constrained = field.type() == FieldType.LIST ? field.items() : field;
        if (constrained != null && constrained.pattern() != null) {
            parts.add((field.type() == FieldType.LIST ? "Each entry must match" : "Must match")
                    + " `" + constrained.pattern().pattern() + "`.");
        }
        return String.join(" ", parts);
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
