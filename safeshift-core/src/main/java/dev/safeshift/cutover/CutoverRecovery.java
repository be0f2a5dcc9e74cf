package dev.safeshift.cutover;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.store.Phase;

/**
 * Ends a switch that a daemon left under way (it died, or its store went away mid-switch), from
 * what the databases say rather than from a guess. The side traffic left is closed only after the
 * drain was proven and the way back was started, so closed tables mean the switch is finished.
 * Open tables mean it had not got that far: it is given up, and traffic goes back.
 */
public final class CutoverRecovery {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CutoverRecovery() {
    }

    /** Returns the phase the migration is in afterwards. */
    public static Phase resume(Cutover.Context context, Leg leg, TrafficSwitch traffic) {
        int closed = leg.leaving().closedSourceTables(leg.leavingMoves());
        int tables = leg.leavingMoves().size();
        String from = Leg.label(leg.from());
        if (closed == tables) {
            leg.leaving().syncSequences(leg.leavingMoves());
            leg.arriving().reopenSource(leg.arrivingMoves());
            traffic.release(leg.to());
            // the event first: whoever sees the new phase finds why on the timeline already
            context.store().append(context.migrationId(), leg.name() + "-switched", context.actor(),
                    JSON.createObjectNode().put("switch", traffic.kind()).put("to", Leg.label(leg.to()))
                            .put("afterRestart", true).toString());
            context.store().setPhase(context.migrationId(), leg.done(),
                    "finished after a restart: the " + from + " tables were closed", context.actor());
            context.info().accept("A " + leg.name() + " was under way when the daemon stopped, and the " + from + " tables"
                    + " were already closed to writes (so the other side had every write): it is finished, the"
                    + " application runs on the " + Leg.label(leg.to()) + ".");
            return leg.done();
        }
        if (closed > 0) {
            leg.leaving().reopenSource(leg.leavingMoves());
        }
        traffic.release(leg.from());
        context.store().append(context.migrationId(), leg.name() + "-abandoned", context.actor(), JSON.createObjectNode()
                .put("step", "restart").put("reason", "the daemon stopped before the " + from + " was closed")
                .put("closedTables", closed).toString());
        context.store().setPhase(context.migrationId(), leg.before(),
                leg.name() + " given up after a restart: the " + from + " tables were not closed", context.actor());
        context.info().accept("A " + leg.name() + " was under way when the daemon stopped, before the " + from + " tables"
                + " were closed: it is given up, the application runs on the " + from + ". Ask for it again when ready.");
        return leg.before();
    }
}
