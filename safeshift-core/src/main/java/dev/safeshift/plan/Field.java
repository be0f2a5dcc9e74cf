package dev.safeshift.plan;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One field of the plan file: how it is written, what it may hold, and how it is documented.
 * The loader checks plans against these definitions and the reference page is rendered from
 * them, so the two cannot drift apart.
 *
 * @param name         the key as written in YAML; empty for list entries
 * @param defaultValue the value used when the field is absent, of the type the check gives (a {@code String},
 *                     a {@code Long}, a {@code Duration}; a size in bytes as a {@code Long}), or null
 * @param defaultText  how the reference page shows a default that is not a plain value, or null
 * @param requiredWhen when a field the schema cannot require on its own must be written, in words such
 *                     as "required with `url`"; the check itself lives in {@link PlanBinder}. Null if none
 * @param min          the smallest integer allowed, for a duration the fewest seconds, for a size the
 *                     fewest bytes; null for no minimum
 * @param max          the largest integer allowed, for a duration the most seconds, for a size the most
 *                     bytes; null for no maximum, but every duration has one
 * @param pattern      what a string must match in full, or null
 * @param patternHint  the pattern said in words, used as the expectation in errors
 * @param example      a YAML value used by the reference page's example plan (scalars and scalar lists); for a
 *                     list of maps whose entries cannot all show every field at once, the entries in YAML,
 *                     each starting with {@code - }, which the example uses instead of one built from the fields;
 *                     an example of several lines is written on the lines below the field's name
 * @param fields       the nested fields of a map, in the order they are documented
 * @param items        the definition of each entry of a list, or null
 * @param itemsNoun    what the entries of a list are, plural (for "a list of column names")
 * @param nonEmpty     whether a list, when present, must have at least one entry
 * @param unique       whether the entries of a list must name different things (after folding)
 * @param choices      the words a choice may be, in the order they are documented
 * @param onlyWhen     for a section that only one value of a sibling choice uses (and every other value
 *                     refuses), that choice and value; null for a field that is always allowed. The
 *                     reference's example plan shows such a section only in the example of that value
 */
public record Field(
        String name,
        FieldType type,
        boolean required,
        Object defaultValue,
        String defaultText,
        String requiredWhen,
        Long min,
        Long max,
        Pattern pattern,
        String patternHint,
        String description,
        String example,
        List<Field> fields,
        Field items,
        String itemsNoun,
        boolean nonEmpty,
        boolean unique,
        List<String> choices,
        Condition onlyWhen,
        boolean absentWhenLeftOut) {

    public Field {
        Objects.requireNonNull(name);
        Objects.requireNonNull(type);
        fields = List.copyOf(fields);
        choices = List.copyOf(choices);
    }

    public static Builder of(String name, FieldType type) {
        return new Builder(name, type);
    }

    /** The nested field called {@code key}, if this map has one. */
    public Optional<Field> field(String key) {
        return fields.stream().filter(f -> f.name.equals(key)).findFirst();
    }

    public List<String> fieldNames() {
        return fields.stream().map(Field::name).toList();
    }

    /** What a valid value looks like, in words that complete "expected ...". */
    public String expectation() {
        return switch (type) {
            case STRING -> patternHint != null ? patternHint : "a string";
            case INTEGER -> min != null && max != null ? "an integer between " + min + " and " + max
                    : min != null ? "an integer of at least " + min : "an integer";
            case DURATION -> "a duration " + bounds() + ", such as 30m, 1h or 2h30m";
            case SIZE -> "a size " + bounds() + ", such as 512MB or 10GB";
            case CHOICE -> String.join(" or ", choices);
            case PERCENT -> "a percentage of more than 0% and at most 100%, such as 5%";
            case JDBC_URL -> "a JDBC URL starting with 'jdbc:'";
            case ENV_REFERENCE -> "a reference to an environment variable, like " + example;
            case TABLE_NAME -> "a table name, written schema.table or table";
            case COLUMN_NAME -> "a column name";
            case MAP -> "a map with the fields " + String.join(", ", fieldNames());
            case LIST -> "a " + (nonEmpty ? "non-empty " : "") + "list of " + itemsNoun;
            case SQL_SCRIPTS -> "a list of SQL texts, or the path of a migration file or directory";
        };
    }

    /** The range of a duration or size in words, such as "of at least 1m and at most 3650d". */
    String bounds() {
        if (min != null && max != null) {
            return "of at least " + show(min) + " and at most " + show(max);
        }
        return min != null ? "of at least " + show(min) : max != null ? "of at most " + show(max) : "";
    }

    /** A bound or a default written the way a plan writes this field's values: 1m, 10GB, 250000. */
    String show(Object value) {
        return switch (type) {
            case DURATION -> Durations.format(value instanceof Duration d ? d : Duration.ofSeconds((Long) value));
            case SIZE -> Sizes.format((Long) value);
            default -> String.valueOf(value);
        };
    }

    /**
     * A sibling choice and the value it must have for a field to be allowed.
     *
     * @param choice the name of the sibling {@link FieldType#CHOICE} field, such as {@code switch}
     * @param value  the value that uses the field, such as {@code command}
     */
    public record Condition(String choice, String value) {

        public Condition {
            Objects.requireNonNull(choice, "choice");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Builds a {@link Field}; the schema reads better as a chain of named settings than as one long constructor call. */
    public static final class Builder {
        private final String name;
        private final FieldType type;
        private boolean required;
        private Object defaultValue;
        private String defaultText;
        private String requiredWhen;
        private Long min;
        private Long max;
        private Pattern pattern;
        private String patternHint;
        private String description = "";
        private String example;
        private final List<Field> fields = new ArrayList<>();
        private Field items;
        private String itemsNoun;
        private boolean nonEmpty;
        private boolean unique;
        private List<String> choices = List.of();
        private Condition onlyWhen;
        private boolean absentWhenLeftOut;

        private Builder(String name, FieldType type) {
            this.name = name;
            this.type = type;
        }

        public Builder required() {
            this.required = true;
            return this;
        }

        public Builder defaultValue(Object value) {
            this.defaultValue = value;
            return this;
        }

        public Builder defaultText(String text) {
            this.defaultText = text;
            return this;
        }

        /** Says in the reference when a field that is not always required must be written. */
        public Builder requiredWhen(String condition) {
            this.requiredWhen = condition;
            return this;
        }

        public Builder range(long min, long max) {
            this.min = min;
            this.max = max;
            return this;
        }

        public Builder atLeast(long min) {
            this.min = min;
            return this;
        }

        /** The shortest duration allowed, kept in {@link Field#min} as whole seconds. */
        public Builder atLeast(Duration shortest) {
            this.min = shortest.getSeconds();
            return this;
        }

        /** The words a choice may be. */
        public Builder choices(String... words) {
            this.choices = List.of(words);
            return this;
        }

        public Builder pattern(String regex, String hint) {
            this.pattern = Pattern.compile(regex);
            this.patternHint = hint;
            return this;
        }

        public Builder description(String text) {
            this.description = text;
            return this;
        }

        public Builder example(String yaml) {
            this.example = yaml;
            return this;
        }

        public Builder fields(Field... nested) {
            this.fields.addAll(List.of(nested));
            return this;
        }

        public Builder items(String noun, Field entry) {
            this.itemsNoun = noun;
            this.items = entry;
            return this;
        }

        public Builder nonEmpty() {
            this.nonEmpty = true;
            return this;
        }

        /**
         * A section left out of the plan stays absent instead of becoming a section of defaults,
         * because its presence itself means something (a {@code gate} turns on its criteria).
         */
        public Builder absentWhenLeftOut() {
            this.absentWhenLeftOut = true;
            return this;
        }

        public Builder unique() {
            this.unique = true;
            return this;
        }

        /**
         * Allows the field only when the sibling {@code choice} is {@code value}, as said in words
         * ({@link #requiredWhen}); the check itself lives in {@link PlanBinder}.
         */
        public Builder onlyWhen(String choice, String value) {
            this.onlyWhen = new Condition(choice, value);
            return this;
        }

        public Field build() {
            // No duration is unbounded: times computed from it downstream (next due, give up at)
            // then stay far from any overflow.
            Long longest = type == FieldType.DURATION && max == null ? Long.valueOf(Durations.MAXIMUM.getSeconds()) : max;
            return new Field(name, type, required, defaultValue, defaultText, requiredWhen, min, longest, pattern,
                    patternHint, description, example, fields, items, itemsNoun, nonEmpty, unique, choices, onlyWhen,
                    absentWhenLeftOut);
        }
    }
}
