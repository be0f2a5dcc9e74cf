package dev.safeshift.cli;

import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Engines;
import dev.safeshift.plan.Plan;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.DaemonLock;
import dev.safeshift.store.Liveness;
import dev.safeshift.store.StatusFormatter;
import dev.safeshift.store.StatusReport;
import dev.safeshift.store.StreamState;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "status", mixinStandardHelpOptions = true, description = {
        "Show where a migration stands: phase, progress, stream lag, verification, recent events (from the control"
                + " store), whether a daemon is running, and how much write-ahead log the source keeps for the"
                + " migration's replication slot (measured on the source)."})
final class StatusCommand implements Callable<Integer> {

    private static final Logger LOG = LoggerFactory.getLogger(StatusCommand.class);

    @Mixin
    Options.PlanArgument plan = new Options.PlanArgument();

    @Option(names = "--json", description = "Print JSON instead of text.")
    boolean json;

    @Override
    public Integer call() {
        Plan loaded = plan.load();
        try (ControlStore store = ControlStore.open(loaded.controlEndpoint(), loaded.control().schema())) {
            StatusReport report = store.status(loaded.name());
            boolean running = DaemonLock.isHeld(loaded.controlEndpoint(), loaded.control().schema(), loaded.name());
            report = report.withLiveness(measure(loaded, report, running));
            System.out.println(json ? new StatusFormatter().json(report) : new StatusFormatter().text(report));
            return 0;
        }
    }

    /**
     * The write-ahead log the source keeps for the slot, measured now. A daemon that was killed no
     * longer reports it, and that is when it grows; a source that cannot be reached is said so
     * rather than failing the whole status.
     */
    private static Liveness measure(Plan loaded, StatusReport report, boolean running) {
        long warnAbove = loaded.stream().warnRetainedWalBytes();
        Optional<String> slot = report.stream().filter(StreamState::started).map(StreamState::slotName);
        if (slot.isEmpty()) {
            return new Liveness(running, Optional.empty(), Optional.of("no replication slot yet"), warnAbove);
        }
        try (Engine engine = Engines.forEndpoints(loaded.source(), loaded.target())) {
            var bytes = engine.retainedLog(slot.get());
            return bytes.isPresent()
                    ? new Liveness(running, Optional.of(bytes.getAsLong()), Optional.empty(), warnAbove)
                    : new Liveness(running, Optional.empty(), Optional.of("the slot " + slot.get()
                    + " does not exist on the source"), warnAbove);
        } catch (RuntimeException e) {
            LOG.warn("could not measure the retained write-ahead log", e);
            return new Liveness(running, Optional.empty(), Optional.of("the source could not be asked: " + e.getMessage()),
                    warnAbove);
        }
    }
}
