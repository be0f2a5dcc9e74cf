package dev.safeshift.plan;

import static dev.safeshift.plan.FieldType.DURATION;
import static dev.safeshift.plan.FieldType.INTEGER;
import static dev.safeshift.plan.FieldType.MAP;
import static dev.safeshift.plan.FieldType.SQL_SCRIPTS;

import java.time.Duration;

/**
 * The plan's fields about changing the source in place: {@code change} (the SQL) and {@code apply}
 * (how {@code safeshift run} applies it). Part of {@link PlanSchema}, kept apart because they have
 * nothing to do with moving tables.
 */
final class ChangeFields {

    private ChangeFields() {
    }

    static Field change() {
        return Field.of("change", SQL_SCRIPTS).requiredWhen("required without `target`")
                .description("Schema changes applied to the source tables in place, as SQL, run in list order "
                        + "or, for a directory, in Flyway version order. Every versioned migration of a directory "
                        + "belongs to the change: Safeshift does not read Flyway's history table, so the directory "
                        + "holds only this change's migrations. Repeatable (`R__`) and undo (`U`) migrations, two "
                        + "files of one version, other `.sql` files and subdirectories are refused; hidden files and "
                        + "files not ending in `.sql` are left alone. Each file is UTF-8 text of at most "
                        + ChangeFiles.MAX_FILE_BYTES / (1024 * 1024) + " MB. `safeshift check` reviews the change: "
                        + "the locks its statements take, the rewrites they cause, and the plan around them.")
                .example("""
                        - |
                          ALTER TABLE payments ADD CONSTRAINT amount_positive CHECK (amount_cents > 0) NOT VALID;
                          ALTER TABLE payments VALIDATE CONSTRAINT amount_positive;
                        """)
                .build();
    }


    static Field apply() {
        return Field.of("apply", MAP)
                .description("How `safeshift run` applies the `change` to the source while the application keeps "
                        + "writing. Each statement runs in its online form (a constraint added NOT VALID and then "
                        + "validated, an index built CONCURRENTLY, NOT NULL proven by a validated CHECK first, a new "
                        + "column with a volatile default filled in batches) and asks for its lock with a "
                        + "`lock_timeout`, so no statement makes the application wait longer than `max-write-wait`.")
                .fields(
                        Field.of("max-write-wait", DURATION).atLeast(ApplySettings.MINIMUM_WRITE_WAIT)
                                .defaultValue(ApplySettings.DEFAULTS.maxWriteWait())
                                .description("The longest the application's writes may wait behind a statement of "
                                        + "the change, at most 1m. A statement that cannot get its lock in time "
                                        + "gives up, lets the waiting writes through, waits and tries again.")
                                .example("2s").build(),
                        Field.of("attempts", INTEGER).range(1, 1000)
                                .defaultValue((long) ApplySettings.DEFAULTS.attempts())
                                .description("How many times a statement asks for its lock before the run stops "
                                        + "and says which session holds it.")
                                .example("30").build(),
                        Field.of("max-backoff", DURATION).atLeast(Duration.ofSeconds(1))
                                .defaultValue(ApplySettings.DEFAULTS.maxBackoff())
                                .description("The longest pause between two attempts; pauses double from a tenth "
                                        + "of a second up to this.")
                                .example("30s").build(),
                        Field.of("window", DURATION).atLeast(Duration.ofSeconds(1))
                                .defaultText("none")
                                .description("The maintenance window the whole change must fit in. `safeshift "
                                        + "rehearse` says NO-GO when the upper end of its predicted duration for "
                                        + "all statements together is longer.")
                                .example("30m").build())
                .build();
    }
}
