package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.plan.SqlNames;
import java.util.Collection;
import java.util.stream.Collectors;

/** How findings put locks, tables and names into words, so every message reads the same way. */
final class Words {

    private Words() {
    }

    /** "ACCESS EXCLUSIVE". */
    static String lock(LockMode lock) {
        return lock.name().replace('_', ' ');
    }

    /** "an ACCESS EXCLUSIVE lock on public.payments (it blocks everything, even plain SELECT)". */
    static String lockOn(LockMode lock, Object table) {
        String name = lock(lock);
        String article = name.startsWith("A") || name.startsWith("E") ? "an " : "a ";
        return article + name + " lock on " + table + " (it blocks " + lock.blocks() + ")";
    }

    /** A column of a table: "public.payments.note", quoted when its name needs it. */
    static String column(QualifiedName table, String column) {
        return table + "." + SqlNames.write(column);
    }

    static String list(Collection<?> items) {
        return items.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    /** "about 1,200,000 rows" when the planner has an estimate. */
    static String size(SchemaFacts.Table table) {
        if (table.estimatedRows() < 0) {
            return "";
        }
        long rows = table.estimatedRows();
        return String.format(java.util.Locale.ROOT, " (about %,d row%s)", rows, rows == 1 ? "" : "s");
    }
}
