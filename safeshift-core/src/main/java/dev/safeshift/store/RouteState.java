package dev.safeshift.store;

import java.time.Instant;

/** The route of a migration, the number of its change ({@code epoch}, 1 for the first), who made it and when. */
public record RouteState(Route route, long epoch, String changedBy, Instant changedAt) {
}
