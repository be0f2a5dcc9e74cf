package dev.safeshift.store;

import java.time.Instant;
import java.util.Optional;

/**
 * The route of a migration, the number of its change ({@code epoch}, 1 for the first), who made it
 * and when. A pause is a lease: until {@code pausedUntil} new transactions are held, after it they
 * go to {@code resumeTo} again.
 */
public record RouteState(Route route, long epoch, Optional<Route> resumeTo, Optional<Instant> pausedUntil,
                         String changedBy, Instant changedAt) {
}
