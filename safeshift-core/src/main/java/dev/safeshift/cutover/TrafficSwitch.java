package dev.safeshift.cutover;

import dev.safeshift.engine.Side;
import java.time.Instant;
import java.util.List;

/**
 * Moves the application's traffic between the databases: the router of safeshift-jdbc, a
 * connection pooler, or a hook of the user's. A cutover holds traffic, switches, and releases it;
 * a cutover that gives up releases it back to where it was.
 */
public interface TrafficSwitch {

    /** How the switch is named in the timeline and in messages, e.g. {@code router}. */
    String kind();

    /** What would make a switch now move nothing or fail, as sentences; empty when it can go ahead. */
    List<String> problems();

    /**
     * Holds new transactions and waits until none is left running on {@code from}, at most until
     * {@code deadline}. Returns whether none is left; either way traffic stays held until
     * {@link #release}.
     */
    Drain hold(Side from, Instant deadline) throws InterruptedException;

    /** Lets traffic go, to {@code to}: the switch itself, or the way back after a cutover gave up. */
    void release(Side to);

    /**
     * What a hold found: whether everything drained, and what was still running when it stopped
     * waiting, said for the timeline.
     *
     * @param drained whether no transaction was left on the side being left
     * @param detail  who was waited for, e.g. "2 routers, 0 connections in flight on the source"
     */
    record Drain(boolean drained, String detail) {
    }
}
