package dev.safeshift.cutover;

import dev.safeshift.engine.Side;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.Route;
import dev.safeshift.store.RouteState;
import dev.safeshift.store.RouterReport;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The switch of safeshift-jdbc's routing DataSource: the route in the control store, which every
 * router follows. A hold sets the route to PAUSED and waits until every live router has seen that
 * change and has no connection left in flight on the side being left. The pause is a lease that
 * ends {@link #LEASE_MARGIN} after the hold's deadline, so a daemon that dies while traffic is held
 * never leaves the application held.
 *
 * <p>A router that has not reported for {@link #LIVE_WITHIN} is taken for gone: it no longer reads
 * the route either, so it lets nothing new through (routers fail closed well before that), and
 * whatever it still had running meets the write fence, then the closed source tables, and fails
 * loudly rather than being lost.
 */
public final class RouterSwitch implements TrafficSwitch {

    /** Longer than the longest time a router may go without reading the route before it holds everything. */
    public static final Duration LIVE_WITHIN = Duration.ofSeconds(15);

    /**
     * How long a pause outlasts the hold's deadline. A live daemon switches or releases before the
     * deadline (plus the few store writes of the switch); one that died leaves a pause that routers
     * end by themselves once it runs out.
     */
    public static final Duration LEASE_MARGIN = Duration.ofSeconds(10);

    private static final long POLL_MILLIS = 5;

    private final ControlStore store;
    private final long migrationId;
    private final String actor;

    public RouterSwitch(ControlStore store, long migrationId, String actor) {
        this.store = store;
        this.migrationId = migrationId;
        this.actor = actor;
    }

    @Override
    public String kind() {
        return "router";
    }

    /** A router switch with no router to follow it would close the source under an application still using it. */
    @Override
    public List<String> problems() {
        long live = store.routers(migrationId).stream()
                .filter(report -> report.silentFor().compareTo(LIVE_WITHIN) < 0)
                .count();
        return live > 0 ? List.of() : List.of("no application connects through safeshift-jdbc's routing DataSource for"
                + " this migration (no router reported in the last " + LIVE_WITHIN.toSeconds() + " s); with"
                + " cutover.switch: router, the application must, or the switch would move nothing");
    }

    @Override
    public Drain hold(Side from, Instant deadline) throws InterruptedException {
        Route leaving = from == Side.SOURCE ? Route.SOURCE : Route.TARGET;
        Duration untilDeadline = Duration.between(Instant.now(), deadline);
        RouteState paused = store.pauseRoute(migrationId, leaving,
                (untilDeadline.isNegative() ? Duration.ZERO : untilDeadline).plus(LEASE_MARGIN), actor);
        while (true) {
            List<RouterReport> live = store.routers(migrationId).stream()
                    .filter(report -> report.silentFor().compareTo(LIVE_WITHIN) < 0)
                    .toList();
            List<RouterReport> waitingFor = live.stream()
                    .filter(report -> !report.drained(paused.epoch(), leaving))
                    .toList();
            if (waitingFor.isEmpty()) {
                return new Drain(true, live.size() + " router(s) drained");
            }
            if (!Instant.now().isBefore(deadline)) {
                return new Drain(false, waitingFor.size() + " of " + live.size() + " router(s) not drained: "
                        + describe(waitingFor, paused.epoch(), from));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    @Override
    public void release(Side to) {
        store.setRoute(migrationId, to == Side.SOURCE ? Route.SOURCE : Route.TARGET, actor);
    }

    private static String describe(List<RouterReport> routers, long epoch, Side from) {
        StringBuilder text = new StringBuilder();
        for (RouterReport router : routers) {
            if (!text.isEmpty()) {
                text.append("; ");
            }
            int inFlight = from == Side.SOURCE ? router.sourceInFlight() : router.targetInFlight();
            text.append(router.instance()).append(router.seenEpoch() < epoch
                    ? " has not seen the pause yet"
                    : " has " + inFlight + " connection(s) open on the " + from.name().toLowerCase(java.util.Locale.ROOT));
        }
        return text.toString();
    }
}
