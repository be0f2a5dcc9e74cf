package dev.safeshift.cli;

import dev.safeshift.app.Daemon;
import dev.safeshift.app.Migration;
import dev.safeshift.plan.Plan;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "run", mixinStandardHelpOptions = true, description = {
        "Run the migration daemon: backfill, then stream changes until stopped.",
        "Ctrl-C, SIGTERM or `safeshift stop` stop it cleanly; running it again resumes where it stopped."})
final class RunCommand implements Callable<Integer> {

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Override
    public Integer call() throws InterruptedException {
        Plan loaded = plan.load();
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
