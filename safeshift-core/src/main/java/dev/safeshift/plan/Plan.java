package dev.safeshift.plan;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A parsed, validated plan file. Nothing downstream reads YAML again.
 *
 * <p>A plan moves its tables to a {@code target}, changes them in place on the source
 * ({@code change}), or both; it always has one of the two.
 *
 * @param target the database the tables are moved to; empty for a plan that only changes the source
 *               in place. Code that moves data asks {@link #moveTarget()}, which says so when it is absent
 * @param verify the verification schedule; empty when the plan schedules none
 * @param retry  how long transient failures are retried
 * @param stream thresholds for watching the change stream
 * @param cutover when a cutover may start, how traffic is switched and how long writes may be held
 * @param change the schema changes applied to the source tables in place; empty when the plan makes none
 * @param gate   sign-offs and checks the cutover's go/no-go gate adds to its preconditions; empty for none
 * @param risks  the risk register's entries and the business figure that states risks in money
 */
public record Plan(
        Path file,
        String name,
        Endpoint source,
        Optional<Endpoint> target,
        List<TableSpec> tables,
        ControlSpec control,
        CopySettings copy,
        Optional<VerifySchedule> verify,
        RetrySettings retry,
        StreamSettings stream,
        CutoverSettings cutover,
        List<Owner> owners,
        Optional<ChangeSpec> change,
        Optional<GateSpec> gate,
        RiskSpec risks) {

    public Plan {
        Objects.requireNonNull(target, "target");
        Objects.requireNonNull(change, "change");
        Objects.requireNonNull(gate, "gate");
        Objects.requireNonNull(risks, "risks");
        tables = List.copyOf(tables);
        owners = List.copyOf(owners);
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(stream, "stream");
        Objects.requireNonNull(cutover, "cutover");
        if (target.isEmpty() && change.isEmpty()) {
            throw new IllegalArgumentException("a plan has a target, a change or both");
        }
    }

    /** A plan without a risk register. */
    public Plan(Path file, String name, Endpoint source, Optional<Endpoint> target, List<TableSpec> tables,
                ControlSpec control, CopySettings copy, Optional<VerifySchedule> verify, RetrySettings retry,
                StreamSettings stream, CutoverSettings cutover, List<Owner> owners, Optional<ChangeSpec> change,
                Optional<GateSpec> gate) {
        this(file, name, source, target, tables, control, copy, verify, retry, stream, cutover, owners, change, gate,
                RiskSpec.NONE);
    }

    /** A plan without a gate of its own. */
    public Plan(Path file, String name, Endpoint source, Optional<Endpoint> target, List<TableSpec> tables,
                ControlSpec control, CopySettings copy, Optional<VerifySchedule> verify, RetrySettings retry,
                StreamSettings stream, CutoverSettings cutover, List<Owner> owners, Optional<ChangeSpec> change) {
        this(file, name, source, target, tables, control, copy, verify, retry, stream, cutover, owners, change,
                Optional.empty());
    }

    /** A plan that moves its tables to {@code target} and changes nothing in place. */
    public Plan(Path file, String name, Endpoint source, Endpoint target, List<TableSpec> tables, ControlSpec control,
                CopySettings copy, Optional<VerifySchedule> verify, RetrySettings retry, StreamSettings stream,
                CutoverSettings cutover, List<Owner> owners) {
        this(file, name, source, Optional.of(target), tables, control, copy, verify, retry, stream, cutover, owners,
                Optional.empty());
    }

    /** A move plan with the default {@code retry}, {@code stream} and {@code cutover} settings. */
    public Plan(Path file, String name, Endpoint source, Endpoint target, List<TableSpec> tables, ControlSpec control,
                CopySettings copy, Optional<VerifySchedule> verify, List<Owner> owners) {
        this(file, name, source, target, tables, control, copy, verify, RetrySettings.DEFAULTS, StreamSettings.DEFAULTS,
                CutoverSettings.DEFAULTS, owners);
    }

    /** The same plan with other cutover settings. */
    public Plan withCutover(CutoverSettings settings) {
        return new Plan(file, name, source, target, tables, control, copy, verify, retry, stream, settings, owners,
                change, gate, risks);
    }

    /**
     * The database the tables are moved to, for everything that moves data.
     *
     * @throws PlanException when the plan has no target: it only changes the source in place
     */
    public Endpoint moveTarget() {
        return target.orElseThrow(() -> PlanException.ofFile(file, "the plan has no target: it only changes the "
                + "source in place (change:) and moves nothing. To move its tables, add target: with url, user and "
                + "password."));
    }

    /** The database holding the control store: the {@code control} endpoint, else the target, else the source. */
    public Endpoint controlEndpoint() {
        // A plan that only changes the source in place has no other database to keep its state in.
        return control.endpoint().or(() -> target).orElse(source);
    }
}
