package dev.safeshift.postgres.pgbouncer;

import dev.safeshift.engine.Side;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.PgBouncerSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * Stands in for a daemon in the middle of a cutover, in a process of its own that a test kills:
 * it holds PgBouncer's entry, says so on standard output, and waits to be killed.
 */
public final class PgBouncerHolder {

    private PgBouncerHolder() {
    }

    /** Arguments: admin URL, configuration file, entry, source URL, target URL. */
    public static void main(String[] args) throws Exception {
        PgBouncerSwitch traffic = new PgBouncerSwitch(
                new PgBouncerSettings(Endpoint.of(args[0], "postgres"), args[2], Path.of(args[1])),
                Endpoint.of(args[3], "postgres"), Endpoint.of(args[4], "postgres"));
        var drain = traffic.hold(Side.SOURCE, Instant.now().plus(Duration.ofSeconds(30)));
        System.out.println("held " + drain.drained());
        System.out.flush();
        Thread.sleep(Duration.ofMinutes(5).toMillis());
    }
}
