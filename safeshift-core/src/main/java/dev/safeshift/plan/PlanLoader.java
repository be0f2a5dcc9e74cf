package dev.safeshift.plan;

import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Reads a plan file into a {@link Plan}, or fails with a {@link PlanException} naming the file,
 * line, column and field to fix. This is the only place in Safeshift that reads YAML.
 *
 * <p>The file is composed into SnakeYAML's node tree rather than loaded into Java objects, because
 * nodes keep the position they were written at; plain maps and lists would lose it.
 */
public final class PlanLoader {

    private PlanLoader() {
    }

    /** Loads a plan, resolving password references from this process's environment. */
    public static Plan load(Path file) {
        return load(file, System.getenv());
    }

    /** Loads a plan, resolving password references from {@code environment}. */
    public static Plan load(Path file, Map<String, String> environment) {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(environment, "environment");
        Node root = compose(file);
        Checked checked = new SchemaChecker(file).check(root);
        return new PlanBinder(file, environment).bind(checked);
    }

    /** The file's YAML node tree, or a {@link PlanException} saying what is wrong with it. */
    static Node compose(Path file) {
        String text = PlanText.read(file);
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(PlanText.MAX_BYTES);
        Node root;
        try {
            root = new Yaml(options).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            throw withCause(notYaml(file, e), e);
        } catch (YAMLException e) {
            // Limits such as alias and nesting counts; these messages hold no text from the file.
            throw withCause(PlanException.ofFile(file, "the file is not valid YAML: " + shorten(e.getMessage())), e);
        }
        if (root == null || (root instanceof ScalarNode && Tag.NULL.equals(root.getTag()))) {
            throw PlanException.ofFile(file, "the plan file is empty. A plan needs at least the fields "
                    + String.join(", ", requiredFields()) + ", and target or change; docs/plan-reference.md "
                    + "describes every field.");
        }
        return root;
    }

    /** Uses only the problem and context texts: SnakeYAML's full message quotes the line, which may hold a secret. */
    private static PlanException notYaml(Path file, MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        String problem = e.getProblem() == null ? "unreadable content" : shorten(e.getProblem().strip());
        String detail;
        if (problem.contains("(TAB)")) {
            detail = "a tab character, where YAML allows only spaces. Indent with spaces.";
        } else if ("while scanning a block scalar".equals(e.getContext())) {
            // A trigger's condition such as > 2% is the usual way to get here: unquoted, > starts a block of text.
            mark = e.getContextMark() != null ? e.getContextMark() : mark;
            detail = "a value starting with '>' or '|' opens a block of text in YAML. To write a comparison, put it "
                    + "in quotes, as in condition: '> 2%'.";
        } else if (problem.startsWith("but found another document")) {
            detail = "a second document starts here. A plan is a single YAML document; remove this '---' "
                    + "or split the file.";
        } else {
            Mark contextMark = e.getContextMark();
            String context = e.getContext() != null && contextMark != null
                    ? " (" + e.getContext() + " that starts on line " + (contextMark.getLine() + 1) + ")" : "";
            detail = problem.replaceAll("\\.+$", "") + context
                    + ". Check the indentation and quoting on this line and the one before it.";
        }
        return PlanException.at(file, mark, "", "the file is not valid YAML: " + detail, null, null);
    }

    /** Some YAML problems quote a name from the file, such as an undefined alias, which may be very long. */
    private static String shorten(String text) {
        return text.length() > 200 ? text.substring(0, 197) + "..." : text;
    }

    private static List<String> requiredFields() {
        return PlanSchema.root().fields().stream().filter(Field::required).map(Field::name).toList();
    }

    private static PlanException withCause(PlanException error, Throwable cause) {
        error.initCause(cause);
        return error;
    }
}
