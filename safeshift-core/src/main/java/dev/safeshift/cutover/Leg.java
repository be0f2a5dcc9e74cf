package dev.safeshift.cutover;

import dev.safeshift.engine.Engine;
import dev.safeshift.engine.Side;
import dev.safeshift.engine.TableMove;
import dev.safeshift.store.Phase;
import java.util.List;

/**
 * One switch of the application from one database to the other: a cutover (from the source) or a
 * rollback (from the target). Each side is seen through the engine whose source it is: the
 * {@code leaving} engine streams from the side traffic leaves into the other, over
 * {@code leavingCapture}; the {@code arriving} engine will stream back the other way once traffic
 * has moved, over {@code arrivingCapture}.
 */
public record Leg(Side from, Engine leaving, String leavingCapture, List<TableMove> leavingMoves,
                  Engine arriving, String arrivingCapture, List<TableMove> arrivingMoves) {

    public Leg {
        leavingMoves = List.copyOf(leavingMoves);
        arrivingMoves = List.copyOf(arrivingMoves);
    }

    /** The side traffic goes to. */
    public Side to() {
        return from == Side.SOURCE ? Side.TARGET : Side.SOURCE;
    }

    /** What the switch is called on the timeline and in messages. */
    public String name() {
        return from == Side.SOURCE ? "cutover" : "rollback";
    }

    /** The phase while the switch is under way. */
    public Phase during() {
        return from == Side.SOURCE ? Phase.CUTTING_OVER : Phase.ROLLING_BACK;
    }

    /** The phase once traffic runs on {@link #to()}. */
    public Phase done() {
        return from == Side.SOURCE ? Phase.CUT_OVER : Phase.STREAMING;
    }

    /** The phase the switch started from, and goes back to when it gives up. */
    public Phase before() {
        return from == Side.SOURCE ? Phase.STREAMING : Phase.CUT_OVER;
    }

    /** The side as messages say it. */
    static String label(Side side) {
        return side == Side.SOURCE ? "source" : "target";
    }
}
