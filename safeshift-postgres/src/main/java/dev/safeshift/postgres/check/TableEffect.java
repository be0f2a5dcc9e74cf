package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import java.util.Objects;

/**
 * What one statement does to one table: the lock it takes and holds until its transaction ends,
 * and the work done on the table while holding it.
 *
 * @param table the table (for an index statement, the index's table)
 * @param lock  the strongest lock the statement takes on the table
 * @param work  what the server does with the table's rows
 * @param why   one sentence saying where lock and work come from, e.g. "ADD CONSTRAINT ... CHECK
 *              validates every existing row"
 */
public record TableEffect(QualifiedName table, LockMode lock, Work work, String why) {

    public TableEffect {
        Objects.requireNonNull(table, "table");
        Objects.requireNonNull(lock, "lock");
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(why, "why");
    }
}
