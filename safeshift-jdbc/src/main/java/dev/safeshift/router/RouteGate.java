package dev.safeshift.router;

import java.time.Duration;

/**
 * The one place that decides whether a new transaction may start and where. It counts the
 * transactions running on each side under the same lock that changes the route, so that once a
 * router has reported "paused, nothing left on the source", no transaction can start on the source
 * after that report. When the route has not been read for longer than {@code staleAfter}, nothing
 * is let through: a router that lost the control store must not send writes to a database the
 * migration has left.
 */
final class RouteGate {

    /** What the gate holds, read at one instant. */
    record Snapshot(Route route, long epoch, int sourceInFlight, int targetInFlight, int held, long readAgeNanos) {
    }

    private final long staleAfterNanos;
    private Route route = Route.PAUSED;
    private long epoch = -1;
    private long readAtNanos;
    private boolean everRead;
    private int sourceInFlight;
    private int targetInFlight;
    private int held;

    RouteGate(Duration staleAfter) {
        this.staleAfterNanos = staleAfter.toNanos();
    }

    /** The route as just read from the control store. */
    synchronized void update(Route newRoute, long newEpoch) {
        route = newRoute;
        epoch = newEpoch;
        readAtNanos = System.nanoTime();
        everRead = true;
        notifyAll();
    }

    /**
     * Waits until new transactions may start, at most {@code maxHold}, and counts one in on that
     * side. Returns the side; throws when the wait ran out, saying why.
     */
    synchronized Route enter(Duration maxHold, String migration) throws RouteUnavailableException, InterruptedException {
        long deadline = System.nanoTime() + maxHold.toNanos();
        held++;
        try {
            while (true) {
                long now = System.nanoTime();
                boolean fresh = everRead && now - readAtNanos <= staleAfterNanos;
                if (fresh && route != Route.PAUSED) {
                    if (route == Route.SOURCE) {
                        sourceInFlight++;
                    } else {
                        targetInFlight++;
                    }
                    return route;
                }
                long left = deadline - now;
                if (left <= 0) {
                    throw fresh ? paused(maxHold, migration) : stale(maxHold, migration, now);
                }
                // a fresh read or a route change wakes us; the timeout re-checks staleness
                wait(Math.max(1, Math.min(left / 1_000_000, 50)));
            }
        } finally {
            held--;
        }
    }

    /** A transaction on {@code side} ended (its connection was closed). */
    synchronized void leave(Route side) {
        if (side == Route.SOURCE) {
            sourceInFlight--;
        } else {
            targetInFlight--;
        }
        notifyAll();
    }

    synchronized Snapshot snapshot() {
        return new Snapshot(route, epoch, sourceInFlight, targetInFlight, held,
                everRead ? System.nanoTime() - readAtNanos : Long.MAX_VALUE);
    }

    private static RouteUnavailableException paused(Duration maxHold, String migration) {
        return new RouteUnavailableException("Safeshift holds new transactions while migration '" + migration
                + "' switches databases, and none was let through within " + maxHold.toMillis() + " ms (the router's"
                + " maxHold). Nothing was sent to either database; retry the transaction. If this lasts, run"
                + " `safeshift status` for the migration.");
    }

    private RouteUnavailableException stale(Duration maxHold, String migration, long now) {
        String age = everRead ? "for " + (now - readAtNanos) / 1_000_000 + " ms" : "since the router started";
        return new RouteUnavailableException("the route of migration '" + migration + "' could not be read from the"
                + " control store " + age + "; no transaction is let through until it can be, so that none goes to a"
                + " database the migration has left. Nothing was sent to either database (waited "
                + maxHold.toMillis() + " ms). Check that the control store is reachable.");
    }
}
