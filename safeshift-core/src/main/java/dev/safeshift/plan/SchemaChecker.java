package dev.safeshift.plan;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Walks a composed YAML tree against the {@link PlanSchema} definitions: unknown, repeated and
 * missing fields, types, ranges and patterns. It stops at the first problem, because later
 * problems are often consequences of the first. Defaults are filled in here, so what comes out is
 * complete. It never echoes a password, and only echoes URLs with their secrets redacted.
 */
final class SchemaChecker {

    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");
    private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9][0-9_]*");
    private static final Pattern PERCENT = Pattern.compile("([-+]?[0-9]+(?:\\.[0-9]+)?)\\s*%");
    private static final Pattern NUMBER = Pattern.compile("[-+]?[0-9]+(?:\\.[0-9]+)?");

    private final Path file;

    SchemaChecker(Path file) {
        this.file = file;
    }

    Checked check(Node root) {
        return check(root, PlanSchema.root());
    }

    /** Checks a file of another kind (a policy) against its own schema. */
    Checked check(Node root, Field schema) {
        return value(root, schema, "", root.getStartMark());
    }

    /** @param anchor where the field's key is written, so a missing nested field can point there */
    private Checked value(Node node, Field field, String path, Mark anchor) {
        if (isNull(node)) {
            throw expected(node, field, path, "nothing", "Give it a value or remove the line.", null);
        }
        return switch (field.type()) {
            case MAP -> map(node, field, path, anchor);
            case LIST -> list(node, field, path);
            case SQL_SCRIPTS -> sqlScripts(node, field, path);
            default -> new Checked(scalar(node, field, path), path, node.getStartMark());
        };
    }

    private Checked map(Node node, Field field, String path, Mark anchor) {
        if (!(node instanceof MappingNode mapping)) {
            // A lone value often belongs to the section's first field, as in "tables: [payments]".
            Optional<Field> first = field.fields().stream().filter(Field::required).findFirst();
            String hint = node instanceof ScalarNode scalar && first.isPresent()
                    ? "Write it as a map, for example: {" + first.get().name() + ": "
                    + Redaction.redactUrl(scalar.getValue()) + "}."
                    : null;
            throw expected(node, field, path, describe(node), hint, null);
        }
        Map<String, Checked> values = new LinkedHashMap<>();
        Map<String, Mark> written = new HashMap<>();
        for (NodeTuple entry : mapping.getValue()) {
            if (!(entry.getKeyNode() instanceof ScalarNode key) || isNull(key)) {
                throw error(entry.getKeyNode(), path, "a field name must be plain text, got "
                        + describe(entry.getKeyNode()) + " " + section(path) + ".", null);
            }
            String name = key.getValue();
            String childPath = join(path, name);
            Field child = field.field(name).orElseThrow(() -> unknownField(key, field, path, childPath));
            Mark first = written.putIfAbsent(name, key.getStartMark());
            if (first != null) {
                throw error(key, childPath, "field '" + name + "' is written twice " + section(path)
                        + " (first on line " + (first.getLine() + 1) + "). Keep one of them.", null);
            }
            values.put(name, value(entry.getValueNode(), child, childPath, key.getStartMark()));
        }
        for (Field child : field.fields()) {
            if (values.containsKey(child.name())) {
                continue;
            }
            if (child.required()) {
                throw missingField(anchor, child, path);
            }
            absent(child, join(path, child.name()), anchor).ifPresent(v -> values.put(child.name(), v));
        }
        return new Checked(Collections.unmodifiableMap(values), path, anchor);
    }

    /**
     * The value of a field that was left out: its default, an empty list, or a section of defaults.
     * A section with a required field has no defaults to fill: left out, it stays absent.
     */
    private Optional<Checked> absent(Field field, String path, Mark anchor) {
        return switch (field.type()) {
            case MAP -> {
                if (field.absentWhenLeftOut() || field.fields().stream().anyMatch(Field::required)) {
                    yield Optional.empty();
                }
                Map<String, Checked> values = new LinkedHashMap<>();
                for (Field child : field.fields()) {
                    absent(child, join(path, child.name()), anchor).ifPresent(v -> values.put(child.name(), v));
                }
                yield Optional.of(new Checked(Collections.unmodifiableMap(values), path, anchor));
            }
            case LIST -> Optional.of(new Checked(List.of(), path, anchor));
            default -> Optional.ofNullable(field.defaultValue()).map(v -> new Checked(v, path, anchor));
        };
    }

    private Checked list(Node node, Field field, String path) {
        if (!(node instanceof SequenceNode sequence)) {
            String hint = node instanceof MappingNode && field.items().type() == FieldType.MAP
                    ? "Start each entry with '- '."
                    : field.example() != null ? "Write it as a list, for example: " + field.example() + "." : null;
            throw expected(node, field, path, describe(node), hint, null);
        }
        List<Node> nodes = sequence.getValue();
        if (field.nonEmpty() && nodes.isEmpty()) {
            throw expected(node, field, path, "an empty list", null, null);
        }
        List<Checked> items = new ArrayList<>();
        Map<Object, Checked> seen = new HashMap<>();
        Map<Object, String> seenWritten = new HashMap<>();
        for (int i = 0; i < nodes.size(); i++) {
            Node itemNode = nodes.get(i);
            Checked item = value(itemNode, field.items(), path + "[" + i + "]", itemNode.getStartMark());
            // Names are compared as the database will see them: ID and id are one column, "ID" another.
            Checked first = field.unique() ? seen.putIfAbsent(item.value(), item) : null;
            if (first != null) {
                String written = written(itemNode);
                String firstWritten = seenWritten.get(item.value());
                String same = written.equals(firstWritten) ? ""
                        : ", written " + quote(firstWritten) + "; both name " + describeName(item.value());
                throw error(itemNode, item.path(), quote(written) + " is listed twice in '" + path
                        + "' (first as " + first.path() + same + "). Remove one of them.", null);
            }
            seenWritten.putIfAbsent(item.value(), written(itemNode));
            items.add(item);
        }
        return new Checked(List.copyOf(items), path, node.getStartMark());
    }

    /**
     * A path (a {@code String}, read by {@link PlanBinder}), or a list of SQL texts, each checked
     * into a {@link ChangeScript}. The SQL itself is not looked at here: only how it is written.
     */
    private Checked sqlScripts(Node node, Field field, String path) {
        if (node instanceof ScalarNode scalar) {
            // SQL written straight after "change:" would otherwise be looked for as a file of that name.
            if (scalar.getValue().contains("\n") || scalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL
                    || scalar.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED) {
                throw error(node, path, path + " holds text of several lines, which is SQL rather than the path of "
                        + "a migration file. Write SQL as a list: an entry starting with '- |' on the line below '"
                        + path + ":', and the SQL on the lines below it, indented.", field.expectation());
            }
            return new Checked(scalar.getValue(), path, node.getStartMark());
        }
        if (!(node instanceof SequenceNode sequence)) {
            throw expected(node, field, path, describe(node), null, null);
        }
        if (sequence.getValue().isEmpty()) {
            throw expected(node, field, path, "an empty list", "Write the SQL of the change in it, or remove '"
                    + path + "'.", null);
        }
        List<Checked> scripts = new ArrayList<>();
        for (int i = 0; i < sequence.getValue().size(); i++) {
            Node item = sequence.getValue().get(i);
            String itemPath = path + "[" + i + "]";
            scripts.add(new Checked(sqlText(item, itemPath), itemPath, item.getStartMark()));
        }
        return new Checked(List.copyOf(scripts), path, node.getStartMark());
    }

    private ChangeScript sqlText(Node item, String path) {
        if (!(item instanceof ScalarNode scalar) || isNull(item)) {
            throw error(item, path, path + ": expected SQL text, got " + describe(item) + ". Write the SQL after "
                    + "'- |', on the lines below, indented.", "SQL text");
        }
        if (scalar.getValue().isBlank()) {
            throw error(item, path, path + " is empty. Write SQL in it, or remove the entry.", "SQL text");
        }
        // Folding turns line breaks into spaces, so "-- why\nALTER ..." would become one comment.
        if (scalar.getScalarStyle() == DumperOptions.ScalarStyle.FOLDED) {
            throw error(item, path, path + " is written with '>', which joins its lines into one, so a -- comment "
                    + "would swallow the SQL after it. Write '|' instead, which keeps the lines as written.", "SQL text");
        }
        boolean literal = scalar.getScalarStyle() == DumperOptions.ScalarStyle.LITERAL;
        if (!literal && item.getEndMark().getLine() > item.getStartMark().getLine()) {
            throw error(item, path, path + " spans several lines without '|', so YAML joins them into one, and a -- "
                    + "comment would swallow the SQL after it. Write it as a block: '- |', then the SQL on the lines "
                    + "below, indented.", "SQL text");
        }
        // A block's text starts on the line after its '|'; any other scalar on its own line.
        int entryLine = item.getStartMark().getLine() + 1;
        // The line is the script's firstLine: statements are placed as "plan.yaml line 12".
        String origin = file == null || file.getFileName() == null ? "plan" : file.getFileName().toString();
        return ChangeScript.inline(origin, scalar.getValue(), literal ? entryLine + 1 : entryLine);
    }

    private Object scalar(Node node, Field field, String path) {
        if (!(node instanceof ScalarNode scalar)) {
            throw expected(node, field, path, describe(node), null, null);
        }
        return switch (field.type()) {
            case STRING -> string(scalar, field, path);
            case INTEGER -> integer(scalar, field, path);
            case DURATION -> duration(scalar, field, path);
            case PERCENT -> percent(scalar, field, path);
            case JDBC_URL -> jdbcUrl(scalar, field, path);
            case ENV_REFERENCE -> variable(scalar, field, path);
            case TABLE_NAME -> tableName(scalar, field, path);
            case COLUMN_NAME -> columnName(scalar, field, path);
            case CHOICE -> choice(scalar, field, path);
            case SIZE -> size(scalar, field, path);
            default -> throw new IllegalStateException(field.type() + " is not a scalar type");
        };
    }

    private String string(ScalarNode scalar, Field field, String path) {
        String text = scalar.getValue();
        if (field.pattern() == null || field.pattern().matcher(text).matches()) {
            return text;
        }
        String fixed = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        String suggestion = !fixed.equals(text) && field.pattern().matcher(fixed).matches() ? fixed : null;
        throw expected(scalar, field, path, quote(text), suggestion == null ? null : didYouMean(suggestion), suggestion);
    }

    private Long integer(ScalarNode scalar, Field field, String path) {
        String text = scalar.getValue();
        if (!scalar.isPlain() || !DECIMAL.matcher(text).matches()) {
            boolean quotedNumber = !scalar.isPlain() && DECIMAL.matcher(text.trim()).matches();
            throw expected(scalar, field, path, (quotedNumber ? "the string " : "") + quote(text),
                    quotedNumber ? "Write the number without quotes." : null, null);
        }
        long value;
        try {
            value = Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException tooLarge) {
            throw expected(scalar, field, path, shorten(text), null, null);
        }
        if ((field.min() != null && value < field.min()) || (field.max() != null && value > field.max())) {
            throw expected(scalar, field, path, shorten(text), null, null);
        }
        return value;
    }

    private Duration duration(ScalarNode scalar, Field field, String path) {
        String text = scalar.getValue();
        Optional<Duration> duration = Durations.parse(text.strip());
        if (duration.isEmpty()) {
            if (DECIMAL.matcher(text).matches()) {
                throw expected(scalar, field, path, quote(text), "A number alone has no unit: add s, m, h or d, "
                        + "as in " + shorten(text) + "m.", null);
            }
            Optional<String> respelled = Durations.respell(text).filter(d -> Durations.parse(d).isPresent());
            throw expected(scalar, field, path, quote(text), respelled.map(SchemaChecker::didYouMean).orElse(null),
                    respelled.orElse(null));
        }
        long seconds = duration.get().getSeconds();
        if ((field.min() != null && seconds < field.min()) || (field.max() != null && seconds > field.max())) {
            throw expected(scalar, field, path, quote(text), null, null);
        }
        return duration.get();
    }

    private Double percent(ScalarNode scalar, Field field, String path) {
        String text = scalar.getValue().strip();
        Matcher percent = PERCENT.matcher(text);
        if (percent.matches()) {
            double value = Double.parseDouble(percent.group(1));
            if (value > 0 && value <= 100) {
                return value;
            }
            throw expected(scalar, field, path, quote(text), null, null);
        }
        if (NUMBER.matcher(text).matches()) {
            // 0.05 may be meant as a fraction (5%) or as 0.05%: only whole-looking numbers are guessed at.
            double value = Double.parseDouble(text);
            String written = text + "%";
            boolean guess = value >= 1 && value <= 100;
            String hint = guess ? didYouMean(written) : "Write it with a percent sign; a fraction such as 0.05 "
                    + "is written 5%.";
            throw expected(scalar, field, path, quote(text), hint, guess ? written : null);
        }
        throw expected(scalar, field, path, quote(text), null, null);
    }

    private String jdbcUrl(ScalarNode scalar, Field field, String path) {
        String url = scalar.getValue();
        String shown = Redaction.redactUrl(url);
        if (!url.startsWith("jdbc:")) {
            String suggestion = url.contains("://") ? "jdbc:" + shown.replaceFirst("^postgres://", "postgresql://") : null;
            throw expected(scalar, field, path, quote(shown), suggestion == null ? null : didYouMean(suggestion), suggestion);
        }
        if (!shown.equals(url)) {
            String passwordPath = path.substring(0, path.lastIndexOf('.') + 1) + "password";
            throw error(scalar, path, path + " contains a password; a password written in the plan would end up "
                    + "in version control. Remove it from the URL and set " + passwordPath
                    + " to an environment variable, like ${PGPASSWORD}, instead.", field.expectation());
        }
        return url;
    }

    /** Returns the variable's name; the value is looked up later, so a missing variable is reported after the schema. */
    private String variable(ScalarNode scalar, Field field, String path) {
        Matcher reference = ENV_REFERENCE.matcher(scalar.getValue());
        if (reference.matches()) {
            return reference.group(1);
        }
        // The text is probably the secret itself, so the message must not repeat it.
        String how = scalar.getValue().startsWith("$") ? " written as ${VARIABLE_NAME}, with braces"
                : ", like " + field.example();
        throw error(scalar, path, path + " must reference an environment variable" + how + "; a " + field.name()
                + " written in the plan would end up in version control.", field.expectation());
    }

    private QualifiedName tableName(ScalarNode scalar, Field field, String path) {
        try {
            return QualifiedName.parse(scalar.getValue(), PlanSchema.DEFAULT_TABLE_SCHEMA);
        } catch (SqlNames.SyntaxException e) {
            throw badName(scalar, field, path, e);
        }
    }

    private String columnName(ScalarNode scalar, Field field, String path) {
        try {
            return SqlNames.parseOne(scalar.getValue(), "a column name");
        } catch (SqlNames.SyntaxException e) {
            throw badName(scalar, field, path, e);
        }
    }

    /** YAML removes one level of quotes, so a suggested name with double quotes is shown in single quotes, as written. */
    private PlanException badName(ScalarNode scalar, Field field, String path, SqlNames.SyntaxException e) {
        String suggestion = e.suggestion().filter(s -> s.length() <= 200).orElse(null);
        String problem = e.getMessage();
        String hint = Character.toUpperCase(problem.charAt(0)) + problem.substring(1) + "."
                + (suggestion == null ? "" : " Did you mean '" + suggestion.replace("'", "''") + "'?");
        return expected(scalar, field, path, quote(scalar.getValue()), hint, suggestion);
    }

    private String choice(ScalarNode scalar, Field field, String path) {
        String text = scalar.getValue();
        if (field.choices().contains(text)) {
            return text;
        }
        Optional<String> suggestion = Suggestions.closest(text, field.choices());
        throw expected(scalar, field, path, quote(text), suggestion.map(SchemaChecker::didYouMean).orElse(null),
                suggestion.orElse(null));
    }

    private Long size(ScalarNode scalar, Field field, String path) {
        String text = scalar.getValue().strip();
        Optional<Long> bytes = Sizes.parse(text);
        if (bytes.isEmpty()) {
            if (DECIMAL.matcher(text).matches()) {
                throw expected(scalar, field, path, quote(text), "A number alone has no unit: add kB, MB, GB or TB, "
                        + "as in " + shorten(text) + "MB.", null);
            }
            Optional<String> respelled = Sizes.respell(text);
            throw expected(scalar, field, path, quote(text), respelled.map(SchemaChecker::didYouMean).orElse(null),
                    respelled.orElse(null));
        }
        if ((field.min() != null && bytes.get() < field.min()) || (field.max() != null && bytes.get() > field.max())) {
            throw expected(scalar, field, path, quote(text), null, null);
        }
        return bytes.get();
    }

    private PlanException unknownField(ScalarNode key, Field section, String path, String childPath) {
        Optional<String> suggestion = Suggestions.closest(key.getValue(), section.fieldNames());
        String detail = "unknown field " + quote(key.getValue()) + " " + section(path) + "."
                + suggestion.map(s -> " " + didYouMean(s)).orElse("")
                + " Known fields: " + String.join(", ", section.fieldNames()) + ".";
        return PlanException.at(file, key.getStartMark(), childPath, detail, section.expectation(), suggestion.orElse(null));
    }

    private PlanException missingField(Mark anchor, Field child, String path) {
        String how = child.example() != null && child.type() != FieldType.LIST
                ? ", for example: " + child.name() + ": " + child.example()
                : " as " + child.expectation();
        String detail = "missing required field '" + child.name() + "' " + section(path) + ". Add it" + how + ".";
        return PlanException.at(file, anchor, join(path, child.name()), detail, child.expectation(), null);
    }

    private PlanException expected(Node node, Field field, String path, String got, String hint, String suggestion) {
        String detail = subject(path) + ": expected " + field.expectation() + ", got " + got + "."
                + (hint == null ? "" : " " + hint);
        return PlanException.at(file, node.getStartMark(), path, detail, field.expectation(), suggestion);
    }

    private PlanException error(Node node, String path, String detail, String expectation) {
        return PlanException.at(file, node.getStartMark(), path, detail, expectation, null);
    }

    private static boolean isNull(Node node) {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    private static String describe(Node node) {
        if (isNull(node)) {
            return "nothing";
        }
        if (node instanceof MappingNode) {
            return "a map";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        // A URL pasted in the wrong place may carry a password; never repeat it.
        return quote(Redaction.redactUrl(((ScalarNode) node).getValue()));
    }

    /** A scalar as the file writes it (without YAML's own quotes); other nodes as described in messages. */
    private static String written(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : describe(node);
    }

    private static String quote(String text) {
        return "'" + shorten(text) + "'";
    }

    /** Values are repeated in messages only to point at them; a long one is cut. */
    private static String shorten(String text) {
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    /** A checked name as the database knows it, for messages: a table name, or a column written as in SQL. */
    private static String describeName(Object name) {
        return name instanceof String column ? "column " + shorten(SqlNames.write(column)) : "table " + shorten(name.toString());
    }

    private static String didYouMean(String suggestion) {
        return "Did you mean '" + shorten(suggestion) + "'?";
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String subject(String path) {
        return path.isEmpty() ? "the plan" : path;
    }

    private static String section(String path) {
        return path.isEmpty() ? "at the top level" : "in '" + path + "'";
    }
}
