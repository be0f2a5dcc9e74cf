package dev.safeshift.postgres.change;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.SafeshiftException;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.ApplySettings;
import dev.safeshift.plan.Plan;
import dev.safeshift.postgres.check.PostgresSchemaFacts;
import dev.safeshift.postgres.check.SafeForms;
import dev.safeshift.postgres.check.SafeStep;
import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.review.ChangeCheck;
import dev.safeshift.postgres.review.ChangeReport;
import dev.safeshift.postgres.review.CheckedStatement;
import dev.safeshift.postgres.review.EffectEstimate;
import dev.safeshift.postgres.review.Seconds;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
import dev.safeshift.store.TimelineEvent;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * {@code safeshift run} for a plan that changes the source in place: each statement of the
 * change in its online form ({@link SafeForms}), each step with a lock timeout of the plan's
 * {@code apply.max-write-wait} and retries ({@link LockRetry}), each step on the timeline. A step
 * on the timeline as done is not run again, so a run that was stopped or killed resumes with the
 * step it was on.
 *
 * <p>Nothing runs when a statement cannot keep to the limit: one the parser refused, transaction
 * control (each step is its own transaction, so no lock is held across steps), or a statement with
 * no online form whose estimated lock on its table is longer than the limit.
 */
public final class ChangeRunner {

    static final String STEP_DONE = "change-step-done";
    static final String STEP_STARTED = "change-step-started";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Plan plan;
    private final String actor;
    private final Consumer<String> progress;

    public ChangeRunner(Plan plan, String actor, Consumer<String> progress) {
        this.plan = plan;
        this.actor = actor;
        this.progress = progress;
    }

    /** Applies the change; returns how many steps ran now (0 when everything was done before). */
    public int run() throws SQLException {
        ApplySettings settings = plan.change().orElseThrow(() -> new IllegalArgumentException("the plan has no change"))
                .apply();
        ChangeReport report = new ChangeCheck(plan, Optional.empty(), progress).run();
        try (Connection source = Connections.open(plan.source(), "source");
             ControlStore store = ControlStore.open(plan.controlEndpoint(), plan.control().schema())) {
            holdRunLock(source);
            List<Step> steps = plan(report, new PostgresSchemaFacts(source), settings);
            MigrationRecord migration = ChangeRecord.own(store, plan);
            List<TimelineEvent> timeline = store.timeline(migration.id());
            Set<String> done = keys(timeline, STEP_DONE);
            Set<String> interrupted = keys(timeline, STEP_STARTED);
            interrupted.removeAll(done);
            LockRetry retry = new LockRetry(lockTimeout(settings.maxWriteWait()), settings.attempts(),
                    settings.maxBackoff(), progress);
            int ran = 0;
            for (Step step : steps) {
                if (done.contains(step.key())) {
                    progress.accept("  done before: " + step.describe());
                    continue;
                }
                progress.accept(step.describe() + " ...");
                store.append(migration.id(), STEP_STARTED, actor, detail(step, 0, 0));
                long started = System.nanoTime();
                int attempts;
                try {
                    attempts = retry.run(source, step.step().sql(), step.place(), connection -> dropInvalidIndex(connection, step));
                } catch (SQLException e) {
                    if (!interrupted.contains(step.key()) || !step.step().appliedState().equals(Optional.ofNullable(e.getSQLState()))) {
                        throw interruptedOrFailed(step, interrupted.contains(step.key()), e);
                    }
                    progress.accept("  already applied by the run that stopped during this step (" + e.getMessage() + ")");
                    attempts = 0;
                }
                requireValidIndex(source, step);
                double seconds = (System.nanoTime() - started) / 1e9;
                store.append(migration.id(), STEP_DONE, actor, detail(step, attempts, seconds));
                progress.accept("  done in " + Seconds.format(seconds) + (attempts > 1 ? " after " + attempts + " attempts" : ""));
                ran++;
            }
            return ran;
        }
    }

    /**
     * The lock timeout that keeps writers' waits within the limit: they wait for as long as the step
     * waits for its lock, plus the moment it holds it, so a tenth of the limit is kept back for that.
     */
    static Duration lockTimeout(Duration maxWriteWait) {
        return maxWriteWait.minus(maxWriteWait.dividedBy(10));
    }

    private List<Step> plan(ChangeReport report, PostgresSchemaFacts facts, ApplySettings settings) {
        List<String> refusals = new ArrayList<>();
        List<Step> steps = new ArrayList<>();
        for (CheckedStatement checked : report.statements()) {
            ParsedStatement statement = checked.review().statement();
            Optional<String> refusal = SafeForms.refusal(statement);
            if (refusal.isPresent()) {
                refusals.add(refusal.get());
                continue;
            }
            List<SafeStep> forms = SafeForms.of(statement, facts);
            if (forms.size() == 1 && forms.get(0).sql().equals(statement.sql())) {
                tooLong(checked, settings).map(why -> why + SafeForms.whyAsWritten(statement, facts)
                        .map(reason -> ". It runs as written because " + reason).orElse("")).ifPresent(refusals::add);
            }
            for (int i = 0; i < forms.size(); i++) {
                steps.add(new Step(statement, i + 1, forms.size(), forms.get(i)));
            }
        }
        if (!refusals.isEmpty()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "nothing was applied, because:\n  - "
                    + String.join("\n  - ", refusals) + "\nsafeshift check " + plan.file() + " shows every finding.");
        }
        return steps;
    }

    /** Why a statement without an online form would make writes wait longer than the limit, if it would. */
    private static Optional<String> tooLong(CheckedStatement checked, ApplySettings settings) {
        for (EffectEstimate effect : checked.effects()) {
            double seconds = effect.writesBlockedSeconds();
            if (seconds > settings.maxWriteWait().toMillis() / 1000.0) {
                return Optional.of(checked.review().statement().place() + " has no online form and holds "
                        + effect.effect().lock().pgName() + " on " + effect.effect().table() + " for about "
                        + Seconds.format(seconds) + ", longer than apply.max-write-wait ("
                        + Seconds.format(settings.maxWriteWait().toMillis() / 1000.0) + "): " + effect.effect().why());
            }
        }
        return Optional.empty();
    }

    /** One run of a change at a time: a session advisory lock on the source, keyed by the plan's name. */
    private void holdRunLock(Connection source) throws SQLException {
        try (PreparedStatement lock = source.prepareStatement("SELECT pg_try_advisory_lock(hashtextextended(?, 0))")) {
            lock.setString(1, "safeshift change " + plan.name());
            try (ResultSet rs = lock.executeQuery()) {
                rs.next();
                if (!rs.getBoolean(1)) {
                    throw new SafeshiftException(SafeshiftException.Kind.IN_USE, "the change of '" + plan.name()
                            + "' is being applied by another safeshift run; wait for it to end");
                }
            }
        }
    }

    /**
     * An index build can end without an error and leave no usable index (IF NOT EXISTS skipping an
     * index left invalid by someone else's failed build); the step is done only when the index is valid.
     */
    private static void requireValidIndex(Connection connection, Step step) throws SQLException {
        if (step.step().builtIndex().isEmpty()) {
            return;
        }
        String index = step.step().builtIndex().get().toString();
        try (PreparedStatement valid = connection.prepareStatement(
                "SELECT indisvalid AND indisready FROM pg_index WHERE indexrelid = to_regclass(?)")) {
            valid.setString(1, index);
            try (ResultSet rs = valid.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    throw new SafeshiftException(SafeshiftException.Kind.STATE, step.place() + " ended, but index "
                            + index + " is " + (rs.getRow() == 0 ? "missing" : "not valid") + "; nothing after it was "
                            + "applied. Drop it (DROP INDEX CONCURRENTLY) and run again.");
                }
            }
        }
    }

    /** An interrupted CREATE INDEX CONCURRENTLY leaves an invalid index behind, which the next attempt cannot reuse. */
    private static void dropInvalidIndex(Connection connection, Step step) throws SQLException {
        if (step.step().builtIndex().isEmpty()) {
            return;
        }
        String index = step.step().builtIndex().get().toString();
        try (PreparedStatement invalid = connection.prepareStatement(
                "SELECT NOT indisvalid FROM pg_index WHERE indexrelid = to_regclass(?)")) {
            invalid.setString(1, index);
            try (ResultSet rs = invalid.executeQuery()) {
                if (!rs.next() || !rs.getBoolean(1)) {
                    return;
                }
            }
        }
        try (var statement = connection.createStatement()) {
            statement.execute("DROP INDEX CONCURRENTLY IF EXISTS " + dev.safeshift.postgres.Sql.table(
                    step.step().builtIndex().get()));
        }
    }

    private static SafeshiftException interruptedOrFailed(Step step, boolean interrupted, SQLException e) {
        String message = step.place() + " failed: " + e.getMessage() + " (SQLSTATE " + e.getSQLState() + ").";
        if (interrupted) {
            message += " An earlier run started this step and stopped before recording its end, so it may have taken "
                    + "effect already: check the source, and when it has, remove the statement from the change (or "
                    + "make it idempotent) and run again.";
        }
        return new SafeshiftException(SafeshiftException.Kind.STATE, message, e);
    }

    private static Set<String> keys(List<TimelineEvent> timeline, String kind) {
        Set<String> keys = new HashSet<>();
        for (TimelineEvent event : timeline) {
            if (event.kind().equals(kind)) {
                try {
                    keys.add(JSON.readTree(event.detail()).path("key").asText());
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalStateException("a timeline event of the change is not JSON", e);
                }
            }
        }
        return keys;
    }

    private static String detail(Step step, int attempts, double seconds) {
        ObjectNode detail = JSON.createObjectNode();
        detail.put("key", step.key());
        detail.put("statement", step.statement().number());
        detail.put("origin", step.statement().origin());
        detail.put("line", step.statement().line());
        detail.put("step", step.number());
        detail.put("steps", step.of());
        detail.put("purpose", step.step().purpose());
        detail.put("sql", step.step().sql());
        if (attempts > 0) {
            detail.put("attempts", attempts);
            detail.put("seconds", seconds);
        }
        return detail.toString();
    }

    /** A step with where it comes from; {@code key} names it on the timeline across runs. */
    private record Step(ParsedStatement statement, int number, int of, SafeStep step) {

        String key() {
            return statement.number() + "." + number + ":" + step.sql();
        }

        String place() {
            return statement.place() + (of > 1 ? " step " + number + " of " + of : "");
        }

        String describe() {
            return place() + ": " + step.purpose() + ": " + SafeStep.shortSql(step.sql());
        }
    }
}
