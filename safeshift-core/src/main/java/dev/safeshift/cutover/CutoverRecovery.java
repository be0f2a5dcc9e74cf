package dev.safeshift.cutover;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.engine.Side;
import dev.safeshift.store.Phase;

/**
 * Ends a cutover that a daemon left under way (it died, or its store went away mid-cutover), from
 * what the databases say rather than from a guess. The source tables are closed only after the
 * drain was proven, so closed tables mean the target holds every write: the cutover is finished.
 * Open tables mean it had not got that far: it is given up, and traffic goes back to the source.
 */
public final class CutoverRecovery {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CutoverRecovery() {
    }

    /** Returns the phase the migration is in afterwards: {@link Phase#CUT_OVER} or {@link Phase#STREAMING}. */
    public static Phase resume(Cutover.CutoverContext context, TrafficSwitch traffic) {
        int closed = context.engine().closedSourceTables(context.moves());
        int tables = context.moves().size();
        if (closed == tables) {
            context.engine().syncSequences(context.moves());
            traffic.release(Side.TARGET);
            context.store().setPhase(context.migrationId(), Phase.CUT_OVER,
                    "finished after a restart: the source tables were closed", context.actor());
            context.store().append(context.migrationId(), "cutover-switched", context.actor(), JSON.createObjectNode()
                    .put("switch", traffic.kind()).put("afterRestart", true).toString());
            context.info().accept("A cutover was under way when the daemon stopped, and the source tables were already"
                    + " closed to writes (so the target had every write): it is finished, the application runs on the"
                    + " target.");
            return Phase.CUT_OVER;
        }
        if (closed > 0) {
            context.engine().reopenSource(context.moves());
        }
        traffic.release(Side.SOURCE);
        context.store().setPhase(context.migrationId(), Phase.STREAMING,
                "cutover given up after a restart: the source tables were not closed", context.actor());
        context.store().append(context.migrationId(), "cutover-abandoned", context.actor(), JSON.createObjectNode()
                .put("step", "restart").put("reason", "the daemon stopped before the source was closed")
                .put("closedTables", closed).toString());
        context.info().accept("A cutover was under way when the daemon stopped, before the source tables were closed:"
                + " it is given up, the application runs on the source. Run safeshift cutover again when ready.");
        return Phase.STREAMING;
    }
}
