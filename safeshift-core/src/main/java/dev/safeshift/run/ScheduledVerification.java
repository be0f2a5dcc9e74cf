package dev.safeshift.run;

import dev.safeshift.engine.Engine;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.VerifySchedule;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.VerificationSummary;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.Verification;
import dev.safeshift.verify.VerificationReport;
import dev.safeshift.verify.VerifyListener;
import dev.safeshift.verify.VerifySettings;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plan's scheduled verification, run by the streaming daemon in a thread of its own so that
 * applying changes never waits for it. One run at a time; each result goes to the control store
 * and the timeline. The schedule counts from the last stored result, so a restarted daemon keeps
 * the rhythm instead of verifying again at once.
 */
final class ScheduledVerification implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ScheduledVerification.class);
    private static final SecureRandom SEEDS = new SecureRandom();

    private final Engine engine;
    private final ControlStore store;
    private final long migrationId;
    private final String migration;
    private final List<TableMove> moves;
    private final String captureName;
    private final VerificationSchedule schedule;
    private final VerifySettings settings;
    private final RunListener listener;
    private final String actor;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(runnable -> {
        Thread worker = new Thread(runnable, "safeshift-scheduled-verify");
        worker.setDaemon(true);
        return worker;
    });
    private volatile Optional<Instant> lastFinished;
    private Future<?> running;

    ScheduledVerification(Engine engine, ControlStore store, long migrationId, String migration, List<TableMove> moves,
                          String captureName, VerifySchedule plan, int parallelism, RunListener listener, String actor) {
        this.engine = engine;
        this.store = store;
        this.migrationId = migrationId;
        this.migration = migration;
        this.moves = List.copyOf(moves);
        this.captureName = captureName;
        this.schedule = new VerificationSchedule(plan);
        this.settings = VerifySettings.DEFAULTS.withParallelism(parallelism);
        this.listener = listener;
        this.actor = actor;
        this.lastFinished = store.lastVerification(migrationId).map(VerificationSummary::finishedAt);
    }

    /** Starts a verification when one is due and none is running. Called from the daemon's loop. */
    void startIfDue() {
        if (running != null && !running.isDone()) {
            return;
        }
        if (schedule.isDue(lastFinished, Instant.now())) {
            Scope scope = schedule.scope(SEEDS.nextInt(1_000_000));
            running = thread.submit(() -> verify(scope));
        }
    }

    private void verify(Scope scope) {
        try {
            VerificationReport report = Verification.run(engine, migration, moves, scope, settings,
                    Optional.of(captureName), VerifyListener.NONE);
            store.recordVerification(migrationId, report, actor);
            listener.info("Scheduled verification (" + (scope.isFull() ? "full" : scope.samplePercent().getAsDouble()
                    + "% sample") + "): " + (report.clean() ? "clean" : "NOT CLEAN, see safeshift status")
                    + " in " + report.duration().toSeconds() + " s.");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // The stream goes on; the failure is on record and the next interval tries again.
            LOG.warn("scheduled verification failed", e);
            listener.info("Scheduled verification failed: " + e.getMessage());
            store.append(migrationId, "verification-failed", actor, PlanSummary.errorDetail(e));
        } finally {
            lastFinished = Optional.of(Instant.now());
        }
    }

    /** Stops a running verification (its result is dropped) and the thread. */
    @Override
    public void close() {
        thread.shutdownNow();
        try {
            thread.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
