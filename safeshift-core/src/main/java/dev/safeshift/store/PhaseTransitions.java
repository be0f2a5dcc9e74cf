package dev.safeshift.store;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Which phase may follow which. The control store refuses every other change, and puts the refusal
 * on the timeline: a daemon that tries one has lost track of the migration, and going on would make
 * the store say something that is not true.
 */
public final class PhaseTransitions {

    private static final Map<Phase, Set<Phase>> NEXT = new EnumMap<>(Phase.class);

    static {
        // the capture exists and chunks are planned; or the daemon failed before
        NEXT.put(Phase.PLANNED, EnumSet.of(Phase.BACKFILL, Phase.FAILED));
        // every chunk copied and the indexes built; stopped on request; failed
        NEXT.put(Phase.BACKFILL, EnumSet.of(Phase.STREAMING, Phase.STOPPED, Phase.FAILED));
        NEXT.put(Phase.STREAMING, EnumSet.of(Phase.CUTTING_OVER, Phase.STOPPED, Phase.FAILED));
        // switched; or given up (and undone) before the source was closed
        NEXT.put(Phase.CUTTING_OVER, EnumSet.of(Phase.CUT_OVER, Phase.STREAMING));
        // the target is live: a daemon that stops or fails leaves the phase as it is, since it says
        // where the application's writes go
        NEXT.put(Phase.CUT_OVER, EnumSet.of(Phase.ROLLING_BACK, Phase.COMPLETED));
        // the end: nothing follows a completed migration
        NEXT.put(Phase.COMPLETED, EnumSet.noneOf(Phase.class));
        // back on the source, streaming forward again; or given up (and undone) before the target was closed
        NEXT.put(Phase.ROLLING_BACK, EnumSet.of(Phase.STREAMING, Phase.CUT_OVER));
        // a restarted daemon resumes what was under way: the copy, or the stream
        NEXT.put(Phase.STOPPED, EnumSet.of(Phase.BACKFILL, Phase.STREAMING, Phase.FAILED));
        NEXT.put(Phase.FAILED, EnumSet.of(Phase.BACKFILL, Phase.STREAMING, Phase.STOPPED));
        for (Phase phase : Phase.values()) {
            if (!NEXT.containsKey(phase)) {
                throw new IllegalStateException("no transitions for phase " + phase);
            }
        }
    }

    private PhaseTransitions() {
    }

    /** Whether a migration in {@code from} may move to {@code to}. Staying in a phase is not a move. */
    public static boolean allowed(Phase from, Phase to) {
        return NEXT.get(from).contains(to);
    }

    /** The phases that may follow {@code from}. */
    public static Set<Phase> next(Phase from) {
        return Set.copyOf(NEXT.get(from));
    }
}
