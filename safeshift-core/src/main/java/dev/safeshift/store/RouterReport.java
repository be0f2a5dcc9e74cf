package dev.safeshift.store;

import java.time.Duration;

/**
 * What one router (a routing DataSource in an application process) last reported: the route
 * change it has seen, the transactions it has running on each side, the new ones it holds, and
 * how long ago it reported (by the store's clock).
 */
public record RouterReport(String instance, Route seenRoute, long seenEpoch, int sourceInFlight, int targetInFlight,
                           int held, Duration silentFor) {

    /** Whether the router has seen route change {@code epoch} and has no transaction left on {@code side}. */
    public boolean drained(long epoch, Route side) {
        int inFlight = side == Route.SOURCE ? sourceInFlight : side == Route.TARGET ? targetInFlight : 0;
        return seenEpoch >= epoch && inFlight == 0;
    }
}
