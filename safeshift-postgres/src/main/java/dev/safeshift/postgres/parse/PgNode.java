package dev.safeshift.postgres.parse;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One node of a PostgreSQL parse tree as the server prints it, such as {@code ALTERTABLESTMT} or
 * {@code CONSTRAINT}. Field values are nodes, lists (of nodes, texts or numbers) or texts; a field
 * the server printed as {@code <>} (no value) is absent. Numbers, enum values and booleans stay
 * texts, as printed: the meaning of an enum number belongs to the server version that printed it,
 * which is why the parser server's version is fixed.
 *
 * @param tag    the node's type as printed, upper case (e.g. {@code INDEXSTMT})
 * @param fields field name (without the colon) to value, in the printed order
 */
public record PgNode(String tag, Map<String, Object> fields) {

    public PgNode {
        Objects.requireNonNull(tag, "tag");
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    }

    public boolean is(String expectedTag) {
        return tag.equals(expectedTag);
    }

    public Optional<Object> value(String field) {
        return Optional.ofNullable(fields.get(field));
    }

    /** The field's node, if it holds one. */
    public Optional<PgNode> node(String field) {
        return fields.get(field) instanceof PgNode node ? Optional.of(node) : Optional.empty();
    }

    /** The field's text (a name, number, enum value or boolean as printed), if it holds one. */
    public Optional<String> text(String field) {
        return fields.get(field) instanceof String text ? Optional.of(text) : Optional.empty();
    }

    /** The field's number; 0 when absent, as the server prints unset numbers. */
    public int number(String field) {
        return text(field).map(Integer::parseInt).orElse(0);
    }

    /** Whether the field is printed as {@code true}. */
    public boolean flag(String field) {
        return text(field).map("true"::equals).orElse(false);
    }

    /** The field's list, empty when absent. */
    public List<Object> list(String field) {
        Object value = fields.get(field);
        if (value instanceof List<?> list) {
            return Collections.unmodifiableList(list);
        }
        return value == null ? List.of() : List.of(value);
    }

    /** The nodes in the field's list, empty when absent. */
    public List<PgNode> nodes(String field) {
        List<PgNode> nodes = new ArrayList<>();
        for (Object item : list(field)) {
            if (item instanceof PgNode node) {
                nodes.add(node);
            }
        }
        return nodes;
    }

    /** The texts in the field's list (such as a qualified name {@code ("pg_catalog" "int8")}), empty when absent. */
    public List<String> texts(String field) {
        List<String> texts = new ArrayList<>();
        for (Object item : list(field)) {
            if (item instanceof String text) {
                texts.add(text);
            } else if (item instanceof PgNode node && node.is("STRING")) {
                node.text("sval").ifPresent(texts::add);
            }
        }
        return texts;
    }

    /** Every node below this one (not itself), depth first; for rules that look for a kind of expression anywhere. */
    public List<PgNode> descendants() {
        List<PgNode> found = new ArrayList<>();
        collect(fields.values(), found);
        return found;
    }

    private static void collect(Iterable<?> values, List<PgNode> found) {
        for (Object value : values) {
            if (value instanceof PgNode node) {
                found.add(node);
                collect(node.fields.values(), found);
            } else if (value instanceof List<?> list) {
                collect(list, found);
            }
        }
    }
}
