package dev.safeshift.postgres;

import dev.safeshift.postgres.PropertyTable.Column;
import dev.safeshift.postgres.VerifierFixture.Expected;
import dev.safeshift.verify.RowDifference.Kind;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.LongPredicate;

/**
 * One round's random changes to a target copy of a {@link PropertyTable}, each on rows no other
 * change of the round touches, with what verification must report for them: value changes; NULL
 * against special values and special values against each other; values rotated among rows next to
 * each other; the values of two columns of one type swapped; rows removed and added; changes that
 * weak hashes miss; and changes that are equal by design, which must never be reported.
 */
final class PropertyMutations {

    private final PropertyTable table;
    private final Random random;
    private final Set<Long> used = new HashSet<>();
    final List<String> sql = new ArrayList<>();
    final Map<List<String>, Expected> expected = new LinkedHashMap<>();
    /** Rows changed only in ways that are equal by design. */
    final List<Long> alike = new ArrayList<>();
    /** Mutations made, by kind. */
    final Map<String, Integer> made = new LinkedHashMap<>();
    /** What was done to each changed row, for messages. */
    final Map<List<String>, String> done = new LinkedHashMap<>();
    private String doing = "";

    PropertyMutations(PropertyTable table, Random random) {
        this.table = table;
        this.random = random;
    }

    /** Plans {@code count} mutations. */
    PropertyMutations plan(int count) {
        int planned = 0;
        int attempts = 0;
        while (planned < count && attempts++ < count * 20) {
            int pick = random.nextInt(100);
            String kind = pick < 28 ? "value" : pick < 46 ? "null or special" : pick < 58 ? "rotation"
                    : pick < 68 ? "column swap" : pick < 73 ? "missing row" : pick < 78 ? "extra row"
                    : pick < 90 ? "collision" : "equal by design";
            doing = kind;
            boolean done = switch (kind) {
                case "value" -> value();
                case "null or special" -> nullOrSpecial();
                case "rotation" -> rotation();
                case "column swap" -> columnSwap();
                case "missing row" -> missingRow();
                case "extra row" -> extraRow();
                case "collision" -> collision();
                default -> alike();
            };
            if (done) {
                planned++;
                made.merge(kind, 1, Integer::sum);
            }
        }
        return this;
    }

    private boolean value() {
        long g = freeRow();
        if (g < 0) {
            return false;
        }
        Column column = anyColumn();
        if (table.token(column, g).equals(column.type().token(column.x(g) + 1))) {
            return false; // the row holds a special value equal to the new one (false, bit zero): no change
        }
        set(g, column, column.type().gen(column.x(g) + 1));
        different(g, column);
        return true;
    }

    private boolean nullOrSpecial() {
        long g = freeRow();
        if (g < 0) {
            return false;
        }
        Column column = anyColumn();
        PropertyTypes.Type type = column.type();
        String now = table.token(column, g);
        // NULL or a special value, other than what the row holds (NaN against Infinity, '{}' against '[]')
        List<Integer> choices = new ArrayList<>();
        for (int j = -1; j < type.specials().size(); j++) {
            if (!now.equals(j < 0 ? "null" : type.specialToken(j))) {
                choices.add(j);
            }
        }
        if (choices.isEmpty()) {
            return false; // NULL already, and the type has no special value (an enum)
        }
        int choice = choices.get(random.nextInt(choices.size()));
        set(g, column, choice < 0 ? "NULL" : type.specials().get(choice));
        different(g, column);
        return true;
    }

    private boolean rotation() {
        int size = 2 + random.nextInt(2);
        int step = table.neighbour();
        long first = 1 + random.nextInt(table.rows - step * (size - 1));
        List<Long> rows = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            rows.add(first + (long) i * step);
        }
        if (rows.stream().anyMatch(used::contains)) {
            return false;
        }
        Column column = anyColumn();
        List<String> pairs = new ArrayList<>();
        boolean changes = false;
        for (int i = 0; i < size; i++) {
            long to = rows.get(i);
            long from = rows.get((i + 1) % size);
            pairs.add("(" + 2 * to + ", " + 2 * from + ")");
            if (!table.token(column, to).equals(table.token(column, from))) {
                different(to, column);
                done.put(table.key(to), doing + ": " + column.name() + " from the row of g = " + from);
                changes = true;
            }
        }
        if (!changes) {
            return false; // e.g. NULL in every row: nothing would move
        }
        used.addAll(rows);
        sql.add("UPDATE " + table.name + " AS t SET " + column.name() + " = s." + column.name() + " FROM " + table.name
                + " AS s WHERE (t.id, s.id) IN (" + String.join(", ", pairs) + ")");
        return true;
    }

    private boolean columnSwap() {
        long g = freeRow();
        if (g < 0) {
            return false;
        }
        PropertyTypes.Type type = anyColumn().type();
        Column a = column("a_" + type.id());
        Column b = column("b_" + type.id());
        if (table.token(a, g).equals(table.token(b, g))) {
            return false;
        }
        sql.add("UPDATE " + table.name + " SET " + a.name() + " = " + b.name() + ", " + b.name() + " = " + a.name()
                + " WHERE " + table.where(g));
        different(g, a);
        different(g, b);
        done.put(table.key(g), doing + ": " + a.name() + " and " + b.name());
        return true;
    }

    private boolean missingRow() {
        long g = freeRow();
        if (g < 0) {
            return false;
        }
        sql.add("DELETE FROM " + table.name + " WHERE " + table.where(g));
        expected.put(table.key(g), new Expected(Kind.MISSING_IN_TARGET, table.columnNames()));
        done.put(table.key(g), doing);
        return true;
    }

    private boolean extraRow() {
        long g = freeRow();
        if (g < 0) {
            return false;
        }
        List<String> names = table.columnNames();
        List<String> copied = new ArrayList<>(names);
        copied.set(names.indexOf("id"), "id + 1");
        sql.add("INSERT INTO " + table.name + " (" + String.join(", ", names) + ") SELECT " + String.join(", ", copied)
                + " FROM " + table.name + " WHERE " + table.where(g));
        expected.put(table.addedKey(g), new Expected(Kind.EXTRA_IN_TARGET, names));
        done.put(table.addedKey(g), doing + ", a copy of the row of g = " + g);
        return true;
    }

    private boolean collision() {
        List<Column> candidates = table.columns.stream().filter(c -> !c.type().collisions().isEmpty()).toList();
        Column column = candidates.get(random.nextInt(candidates.size()));
        PropertyTypes.Change change = column.type().collisions().get(random.nextInt(column.type().collisions().size()));
        long g = freeRow(x -> table.generated(column, x) && change.appliesTo().test(column.x(x)));
        if (g < 0) {
            return false;
        }
        set(g, column, apply(change, column, g));
        different(g, column);
        return true;
    }

    private boolean alike() {
        List<Column> candidates = table.columns.stream()
                .filter(c -> !c.type().alike().isEmpty() || c.type().id().equals("f4") || c.type().id().equals("f8"))
                .toList();
        Column column = candidates.get(random.nextInt(candidates.size()));
        if (column.type().alike().isEmpty()) {
            // a float zero written as -0 (the special value 0 is the type's fourth)
            long g = freeRow(x -> table.token(column, x).equals("s3"));
            if (g < 0) {
                return false;
            }
            set(g, column, "'-0'");
            alike.add(g);
            return true;
        }
        PropertyTypes.Change change = column.type().alike().get(random.nextInt(column.type().alike().size()));
        long g = freeRow(x -> table.generated(column, x) && change.appliesTo().test(column.x(x)));
        if (g < 0) {
            return false;
        }
        set(g, column, apply(change, column, g));
        alike.add(g);
        return true;
    }

    private static String apply(PropertyTypes.Change change, Column column, long g) {
        return change.sql().replace("{v}", column.name()).replace("{x}", Long.toString(column.x(g)));
    }

    private void set(long g, Column column, String value) {
        sql.add("UPDATE " + table.name + " SET " + column.name() + " = " + value + " WHERE " + table.where(g));
        done.merge(table.key(g), doing + ": " + column.name() + " = " + value, (a, b) -> a + "; " + b);
    }

    /** Row g differs in {@code column} (in addition to any other column already expected). */
    private void different(long g, Column column) {
        List<String> names = table.columnNames();
        Expected before = expected.get(table.key(g));
        List<String> columns = new ArrayList<>(before == null ? List.of() : before.columns());
        columns.add(column.name());
        columns.sort(Comparator.comparingInt(names::indexOf));
        expected.put(table.key(g), new Expected(Kind.DIFFERENT, columns));
    }

    private Column anyColumn() {
        return table.columns.get(random.nextInt(table.columns.size()));
    }

    private Column column(String name) {
        return table.columns.stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private long freeRow() {
        return freeRow(x -> true);
    }

    /** A row no other change of the round touches, for which {@code wanted} holds; -1 if none is found. */
    private long freeRow(LongPredicate wanted) {
        for (int attempt = 0; attempt < 500; attempt++) {
            long g = 1 + random.nextInt(table.rows);
            if (!used.contains(g) && wanted.test(g)) {
                used.add(g);
                return g;
            }
        }
        return -1;
    }
}
