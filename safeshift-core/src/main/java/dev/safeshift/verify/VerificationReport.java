package dev.safeshift.verify;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The outcome of one verification run over the tables of a migration.
 *
 * @param scope    what was checked: every chunk, or a random sample of them
 * @param promise  for a sample, what it can promise about differences it did not see
 * @param notes    things the reader must know to trust the result (e.g. the stream was not running)
 */
public record VerificationReport(
        String migration,
        Instant startedAt,
        Instant finishedAt,
        Scope scope,
        List<TableVerdict> tables,
        Optional<SamplePromise> promise,
        List<String> notes) {

    public VerificationReport {
        tables = List.copyOf(tables);
        notes = List.copyOf(notes);
    }

    /** Clean means: every checked row matched and no suspect key was left undecided. */
    public boolean clean() {
        return tables.stream().allMatch(TableVerdict::clean);
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }
}
