package dev.safeshift.cli;

import dev.safeshift.SafeshiftException;
import dev.safeshift.dashboard.DashboardServer;
import dev.safeshift.app.Daemon;
import dev.safeshift.app.Migration;
import dev.safeshift.plan.Plan;
import dev.safeshift.postgres.change.ChangeRunner;
import java.sql.SQLException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Run the migration daemon: backfill, then stream changes until stopped.",
        "Ctrl-C, SIGTERM or `safeshift stop` stop it cleanly; running it again resumes where it stopped.",
        "",
        "For a plan that only changes the source in place (change:, no target): apply the change online, each "
                + "statement in its online form with a lock timeout of apply.max-write-wait and retries, each step "
                + "on the timeline; running it again resumes with the step it was on."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Mixin
    Options.DashboardAddress dashboard = new Options.DashboardAddress();

    @Mixin
    Options.PolicyFile policy = new Options.PolicyFile();

    @Override
    public Integer call() throws InterruptedException, SQLException {
        Plan loaded = plan.loadAnyKind();
        if (loaded.target().isEmpty()) {
            if (dashboard.given()) {
                throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "--dashboard shows a move to a target, "
                        + "and " + plan.planFile + " only changes the source in place; leave --dashboard out");
            }
            int ran = new ChangeRunner(loaded, Options.actor(), System.out::println).run();
            System.out.println(ran == 0 ? "The change was already applied; nothing to do."
                    : "The change is applied (" + ran + " step(s) run now).");
            return 0;
        }
        if (loaded.change().isPresent()) {
            throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, plan.planFile + " both moves tables "
                    + "(target:) and changes them (change:); applying a change together with a move is not supported "
                    + "yet. Apply the change with a plan that has no target first, then move.");
        }
        DashboardServer server = dashboard.given() ? dashboard.start(loaded, policy.find(loaded), System.out) : null;
        try {
            return runDaemon(loaded);
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    private int runDaemon(Plan loaded) throws InterruptedException {
        try (Daemon daemon = new Migration(loaded, Options.actor()).daemon(new TerminalProgress(System.out))) {
            CountDownLatch finished = new CountDownLatch(1);
            Thread hook = new Thread(() -> {
                daemon.stop();
                try {
                    finished.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }, "safeshift-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            try {
                daemon.run();
            } finally {
                finished.countDown();
            }
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException alreadyShuttingDown) {
                // a signal arrived while the daemon was finishing; the hook is waiting for us
            }
            return 0;
        }
    }
}
