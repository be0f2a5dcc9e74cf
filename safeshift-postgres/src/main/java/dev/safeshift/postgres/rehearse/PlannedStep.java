package dev.safeshift.postgres.rehearse;

import dev.safeshift.postgres.check.LockMode;
import dev.safeshift.postgres.check.TableEffect;
import dev.safeshift.postgres.check.Work;
import dev.safeshift.postgres.parse.ParsedStatement;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One statement the rehearsal runs: a step of a statement's online form as {@code safeshift run}
 * would apply it, or the statement as written.
 *
 * @param statement the statement of the change it comes from
 * @param number    its place among that statement's steps, from 1
 * @param of        how many steps that statement has
 * @param sql       what runs
 * @param purpose   what it does, in words
 * @param effects   its locks and work per table, from the lock rules
 * @param passes    how many times it reads its table (two for CREATE INDEX CONCURRENTLY)
 */
public record PlannedStep(ParsedStatement statement, int number, int of, String sql, String purpose,
                          List<TableEffect> effects, int passes) {

    public PlannedStep {
        Objects.requireNonNull(statement, "statement");
        Objects.requireNonNull(sql, "sql");
        Objects.requireNonNull(purpose, "purpose");
        effects = List.copyOf(effects);
    }

    /** "statement 2 (change[0] line 3) step 1 of 2". */
    public String place() {
        return statement.place() + (of > 1 ? " step " + number + " of " + of : "");
    }

    /**
     * The effect whose work sets the step's time: the heaviest work on any table (a rewrite, then
     * row writes, an index build, a scan); empty when the step only changes the catalog.
     */
    public Optional<TableEffect> timedEffect() {
        return effects.stream().filter(effect -> effect.work() != Work.CATALOG_ONLY)
                .max(Comparator.comparingInt(effect -> weight(effect.work())));
    }

    /** The strongest lock the step takes on any table that blocks the application's writes, if any. */
    public Optional<TableEffect> writeBlocking() {
        return effects.stream().filter(effect -> effect.lock().blocksWrites())
                .max(Comparator.comparing(TableEffect::lock));
    }

    /** The strongest lock the step takes, for the report. */
    public Optional<LockMode> strongestLock() {
        return effects.stream().map(TableEffect::lock).max(Comparator.naturalOrder());
    }

    public Growth growth() {
        return timedEffect().map(effect -> Growth.of(effect.work())).orElse(Growth.CONSTANT);
    }

    private static int weight(Work work) {
        return switch (work) {
            case CATALOG_ONLY -> 0;
            case FULL_SCAN -> 1;
            case INDEX_BUILD -> 2;
            case ROW_WRITES -> 3;
            case REWRITE -> 4;
        };
    }
}
