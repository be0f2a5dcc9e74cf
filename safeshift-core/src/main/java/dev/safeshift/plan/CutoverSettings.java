package dev.safeshift.plan;

import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerSpec;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The plan's {@code cutover} section: when a cutover may start, how long it may hold writes, and
 * which triggers watch the target after the switch.
 *
 * @param trafficSwitch    how the application's traffic is moved from the source to the target
 * @param maxLag           the change stream's lag must be below this for a cutover to start
 * @param verifiedWithin   the last verification must be clean and no older than this
 * @param writePauseBudget the longest the application's writes may be held; a cutover that cannot
 *                         switch within it gives up, lifts the fence and lets traffic go back to the source
 * @param triggers         the rollback, pause and alert triggers, in plan order, each name once
 * @param pgbouncer        the PgBouncer to switch; present exactly when {@code trafficSwitch} is {@link SwitchKind#PGBOUNCER}
 * @param command          the hook that switches; present exactly when {@code trafficSwitch} is {@link SwitchKind#COMMAND}
 * @param prometheus       the Prometheus server that triggers with {@code provider: prometheus} ask; present when one does
 */
public record CutoverSettings(SwitchKind trafficSwitch, Duration maxLag, Duration verifiedWithin,
                              Duration writePauseBudget, List<TriggerSpec> triggers, Optional<PgBouncerSettings> pgbouncer,
                              Optional<CommandSettings> command, Optional<PrometheusSettings> prometheus) {

    /** Below this, a cutover would give up on an ordinary apply delay of the stream. */
    public static final Duration MINIMUM_WRITE_PAUSE_BUDGET = Duration.ofSeconds(1);
    /** Writes held longer than this are an outage, whatever the plan says. */
    public static final Duration MAXIMUM_WRITE_PAUSE_BUDGET = Duration.ofMinutes(5);

    public static final CutoverSettings DEFAULTS = new CutoverSettings(SwitchKind.ROUTER, Duration.ofSeconds(5),
            Duration.ofHours(24), Duration.ofSeconds(5), List.of(), Optional.empty(), Optional.empty(), Optional.empty());

    public CutoverSettings {
        Objects.requireNonNull(trafficSwitch, "trafficSwitch");
        Objects.requireNonNull(maxLag, "maxLag");
        Objects.requireNonNull(verifiedWithin, "verifiedWithin");
        Objects.requireNonNull(writePauseBudget, "writePauseBudget");
        pgbouncer = pgbouncer == null ? Optional.empty() : pgbouncer;
        command = command == null ? Optional.empty() : command;
        prometheus = prometheus == null ? Optional.empty() : prometheus;
        if ((trafficSwitch == SwitchKind.PGBOUNCER) != pgbouncer.isPresent()) {
            throw new IllegalArgumentException("the pgbouncer settings are given exactly when the switch is pgbouncer");
        }
        if ((trafficSwitch == SwitchKind.COMMAND) != command.isPresent()) {
            throw new IllegalArgumentException("the command settings are given exactly when the switch is command");
        }
        if (writePauseBudget.compareTo(MINIMUM_WRITE_PAUSE_BUDGET) < 0
                || writePauseBudget.compareTo(MAXIMUM_WRITE_PAUSE_BUDGET) > 0) {
            throw new IllegalArgumentException("the write pause budget is between "
                    + Durations.format(MINIMUM_WRITE_PAUSE_BUDGET) + " and " + Durations.format(MAXIMUM_WRITE_PAUSE_BUDGET)
                    + ", not " + Durations.format(writePauseBudget));
        }
        triggers = List.copyOf(triggers);
        Set<String> names = new HashSet<>();
        for (TriggerSpec trigger : triggers) {
            if (!names.add(trigger.name())) {
                throw new IllegalArgumentException("trigger names are unique, and " + trigger.name() + " is used twice");
            }
            if (trigger.provider() == ProviderKind.PROMETHEUS && prometheus.isEmpty()) {
                throw new IllegalArgumentException("trigger " + trigger.name() + " reads provider prometheus, and no"
                        + " Prometheus server is given");
            }
        }
    }

    /** Settings of the router or PgBouncer switch, without a Prometheus server for triggers to ask. */
    public CutoverSettings(SwitchKind trafficSwitch, Duration maxLag, Duration verifiedWithin, Duration writePauseBudget,
                           List<TriggerSpec> triggers, Optional<PgBouncerSettings> pgbouncer) {
        this(trafficSwitch, maxLag, verifiedWithin, writePauseBudget, triggers, pgbouncer, Optional.empty(),
                Optional.empty());
    }

    /** Settings of a switch that needs no settings of its own (the router). */
    public CutoverSettings(SwitchKind trafficSwitch, Duration maxLag, Duration verifiedWithin, Duration writePauseBudget,
                           List<TriggerSpec> triggers) {
        this(trafficSwitch, maxLag, verifiedWithin, writePauseBudget, triggers, Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** Settings without triggers. */
    public CutoverSettings(SwitchKind trafficSwitch, Duration maxLag, Duration verifiedWithin, Duration writePauseBudget) {
        this(trafficSwitch, maxLag, verifiedWithin, writePauseBudget, List.of());
    }

    /** The same settings with another write pause budget. */
    public CutoverSettings withWritePauseBudget(Duration budget) {
        return new CutoverSettings(trafficSwitch, maxLag, verifiedWithin, budget, triggers, pgbouncer, command,
                prometheus);
    }

    /** The same settings with these triggers instead of the plan's. */
    public CutoverSettings withTriggers(List<TriggerSpec> replacement) {
        return new CutoverSettings(trafficSwitch, maxLag, verifiedWithin, writePauseBudget, replacement, pgbouncer,
                command, prometheus);
    }

    /** How the application's traffic is switched between the databases. */
    public enum SwitchKind {
        /** Applications connect through safeshift-jdbc's routing DataSource, which follows the route in the control store. */
        ROUTER("router"),
        /** Applications connect through a PgBouncer, whose database entry the cutover points at the other side. */
        PGBOUNCER("pgbouncer"),
        /** A hook program of the user's holds and moves the traffic, through whatever carries it. */
        COMMAND("command");

        private final String planValue;

        SwitchKind(String planValue) {
            this.planValue = planValue;
        }

        public String planValue() {
            return planValue;
        }

        public static SwitchKind ofPlanValue(String value) {
            for (SwitchKind kind : values()) {
                if (kind.planValue.equals(value)) {
                    return kind;
                }
            }
            throw new IllegalArgumentException("unknown switch: " + value);
        }
    }
}
