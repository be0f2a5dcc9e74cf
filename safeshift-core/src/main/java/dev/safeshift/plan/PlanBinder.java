package dev.safeshift.plan;

import dev.safeshift.trigger.Condition;
import dev.safeshift.trigger.Metric;
import dev.safeshift.trigger.OnInconclusive;
import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns a checked plan into records. The rules that need more than one field live here:
 * a target or a change, repeated tables, control credentials without a control URL, triggers
 * (repeated names, a window shorter than the interval, a rollback without a deadline, a condition
 * that does not fit the metric), and environment variables, which are read last so a typo in the
 * file is reported before a missing export. The migration files of a {@code change} are read here.
 */
final class PlanBinder {

    /** An owner is a name or a few words; a longer text is likely something pasted in the wrong place. */
    private static final int MAXIMUM_OWNER_LENGTH = 200;
    /** PgBouncer's admin console is its database {@code pgbouncer}; parameters may follow. */
    private static final java.util.regex.Pattern ADMIN_URL =
            java.util.regex.Pattern.compile("jdbc:postgresql://[^/?]+/pgbouncer(\\?.*)?");

    private final Path file;
    private final Map<String, String> environment;

    PlanBinder(Path file, Map<String, String> environment) {
        this.file = file;
        this.environment = environment;
    }

    Plan bind(Checked root) {
        if (root.find("target").isEmpty() && root.find("change").isEmpty()) {
            throw PlanException.at(file, root.mark(), "target", "the plan has neither a target nor a change. Add "
                    + "target: (url, user, password) to move the tables to another database, or change: (SQL, or "
                    + "the path of a migration file or directory) to change the source tables in place; a plan may "
                    + "have both.", null, null);
        }
        return new Plan(
                file,
                root.get("name").text(),
                endpoint(root.get("source")),
                root.find("target").map(this::endpoint),
                tables(root.get("tables")),
                control(root.get("control")),
                copy(root.get("copy")),
                root.find("verify").map(PlanBinder::verify),
                new RetrySettings(root.get("retry").get("give-up-after").duration()),
                new StreamSettings(root.get("stream").get("warn-retained-wal").number()),
                cutover(root.get("cutover")),
                owners(root.get("owners")),
                root.find("change").map(change -> new ChangeSpec(change(change).scripts(), apply(root.get("apply")))),
                root.find("gate").map(this::gate),
                risks(root));
    }

    private static RiskSpec risks(Checked root) {
        return new RiskSpec(root.find("business").map(b -> RiskSpec.Money.parse(b.get("revenue-per-minute").text())),
                root.get("risks").items().stream().map(r -> new RiskSpec.Entry(r.get("failure-mode").text(),
                        r.get("likelihood").text(), r.get("impact").text(), r.get("mitigation").text(),
                        r.get("owner").text())).toList());
    }

    private GateSpec gate(Checked section) {
        List<String> roles = section.find("signoffs").map(list -> list.items().stream().map(Checked::text).toList())
                .orElse(List.of());
        List<GateSpec.Check> checks = section.find("checks").map(list -> list.items().stream()
                .map(check -> new GateSpec.Check(check.get("name").text(), check.get("database").text(),
                        check.get("sql").text())).toList()).orElse(List.of());
        try {
            return new GateSpec(roles, checks);
        } catch (IllegalArgumentException e) {
            throw PlanException.at(file, section.mark(), "gate", e.getMessage(), null, null);
        }
    }

    /** SQL written in the plan (checked into scripts already), or the path of migration files to read. */
    private ChangeSpec change(Checked value) {
        if (value.value() instanceof String) {
            Path resolved = path(value, "Write the path of a migration file or directory, such as "
                    + "migrations/V7_1__add_amount_check.sql, or the SQL as a list.");
            return new ChangeSpec(new ChangeFiles(file, value).read(resolved));
        }
        return new ChangeSpec(value.items().stream().map(item -> (ChangeScript) item.value()).toList());
    }

    private Endpoint endpoint(Checked section) {
        String user = section.get("user").text();
        Optional<Checked> reference = section.find("password");
        return new Endpoint(section.get("url").text(), user,
                reference.map(Checked::text), reference.map(this::resolve));
    }

    private String resolve(Checked reference) {
        String value = environment.get(reference.text());
        if (value == null) {
            throw PlanException.at(file, reference.mark(), reference.path(), reference.path()
                    + " refers to environment variable " + reference.text()
                    + ", which is not set. Export it before running safeshift.", null, null);
        }
        return value;
    }

    private List<TableSpec> tables(Checked list) {
        List<TableSpec> tables = new ArrayList<>();
        // Exact names: unquoted ones were folded by the check, so Orders and orders are one table here.
        Map<QualifiedName, Checked> sources = new HashMap<>();
        Map<QualifiedName, Checked> targets = new HashMap<>();
        for (Checked entry : list.items()) {
            Checked sourceValue = entry.get("source");
            QualifiedName source = sourceValue.tableName();
            Checked targetValue = entry.find("target").orElse(null);
            QualifiedName target = targetValue == null ? source : targetValue.tableName();

            Checked firstSource = sources.putIfAbsent(source, sourceValue);
            if (firstSource != null) {
                throw PlanException.at(file, sourceValue.mark(), sourceValue.path(), sourceValue.path()
                        + ": table " + shorten(source) + " is listed twice (first as " + firstSource.path() + " on line "
                        + line(firstSource) + "). Remove one of the entries.", null, null);
            }
            Checked where = targetValue != null ? targetValue : entry;
            Checked firstTarget = targets.putIfAbsent(target, where);
            if (firstTarget != null) {
                throw PlanException.at(file, where.mark(), entry.path() + ".target", entry.path()
                        + ": target table " + shorten(target) + " already receives the table of " + firstTarget.path()
                        + " (line " + line(firstTarget) + "); each target table can receive only one "
                        + "source table. Give this entry a different target.", null, null);
            }
            List<String> columns = entry.get("columns").items().stream().map(Checked::text).toList();
            tables.add(new TableSpec(source, target, columns,
                    ExistingRows.ofPlanValue(entry.get("existing-rows").text())));
        }
        return tables;
    }

    private ControlSpec control(Checked section) {
        String schema = section.get("schema").text();
        if (section.find("url").isPresent()) {
            if (section.find("user").isEmpty()) {
                throw PlanException.at(file, section.mark(), "control.user", "missing required field 'user' in "
                        + "'control'. With control.url the control store is a database of its own, reached as its "
                        + "own user. Add it, for example: user: safeshift.", "a string", null);
            }
            return new ControlSpec(Optional.of(endpoint(section)), schema);
        }
        for (String credential : List.of("user", "password")) {
            Optional<Checked> value = section.find(credential);
            if (value.isPresent()) {
                throw PlanException.at(file, value.get().mark(), value.get().path(), value.get().path()
                        + " is set but control.url is not. Without control.url the control store lives in the "
                        + "target database and connects as the target's user; add control.url or remove "
                        + value.get().path() + ".", null, null);
            }
        }
        return new ControlSpec(Optional.empty(), schema);
    }

    private static ApplySettings apply(Checked section) {
        // The schema bounds attempts to 1..1000.
        return new ApplySettings(section.get("max-write-wait").duration(),
                Math.toIntExact(section.get("attempts").number()), section.get("max-backoff").duration(),
                section.find("window").map(Checked::duration));
    }

    private static CopySettings copy(Checked section) {
        // The schema bounds parallelism to 1..64, so the narrowing cannot overflow.
        return new CopySettings(Math.toIntExact(section.get("parallelism").number()),
                section.get("rows-per-chunk").number());
    }

    private static VerifySchedule verify(Checked section) {
        OptionalDouble sample = section.find("sample").map(s -> OptionalDouble.of(s.percent())).orElse(OptionalDouble.empty());
        return new VerifySchedule(section.get("every").duration(), sample);
    }

    private CutoverSettings cutover(Checked section) {
        Checked switchValue = section.get("switch");
        CutoverSettings.SwitchKind kind = CutoverSettings.SwitchKind.ofPlanValue(switchValue.text());
        Optional<Checked> pgbouncer = switchSection(section, switchValue, CutoverSettings.SwitchKind.PGBOUNCER,
                "Safeshift needs to know which PgBouncer to switch. Add it with admin-url, user, password, database"
                        + " and config (see docs/plan-reference.md).",
                "a map with the fields admin-url, user, password, database, config");
        Optional<Checked> command = switchSection(section, switchValue, CutoverSettings.SwitchKind.COMMAND,
                "Safeshift needs to know which hook program moves the traffic. Add it with path, and args and"
                        + " timeout if needed (see docs/switches.md).",
                "a map with the fields path, args, timeout");
        List<TriggerSpec> triggers = triggers(section.get("triggers"));
        return new CutoverSettings(kind, section.get("max-lag").duration(), section.get("verified-within").duration(),
                section.get("write-pause-budget").duration(), triggers, pgbouncer.map(this::pgbouncer),
                command.map(this::command), prometheus(section, triggers));
    }

    /**
     * The section named after a switch ({@code cutover.pgbouncer} for {@code switch: pgbouncer}):
     * required with that switch, and refused with any other, which would silently ignore it.
     */
    private Optional<Checked> switchSection(Checked cutover, Checked switchValue, CutoverSettings.SwitchKind owner,
                                            String whatToAdd, String expected) {
        String name = owner.planValue();
        CutoverSettings.SwitchKind kind = CutoverSettings.SwitchKind.ofPlanValue(switchValue.text());
        Optional<Checked> section = cutover.find(name);
        if (kind == owner && section.isEmpty()) {
            throw PlanException.at(file, switchValue.mark(), "cutover." + name, "missing section '" + name + "' in "
                    + "'cutover': with switch: " + name + ", " + whatToAdd, expected, null);
        }
        if (kind != owner && section.isPresent()) {
            throw PlanException.at(file, section.get().mark(), section.get().path(), section.get().path()
                    + " is set but cutover.switch is " + kind.planValue() + ", which would never use it. Write "
                    + "switch: " + name + ", or remove cutover." + name + ".", null, null);
        }
        return section;
    }

    private CommandSettings command(Checked section) {
        Path program = path(section.get("path"), "Write the path of the hook program, such as "
                + "/opt/shop/switch-traffic.sh.");
        List<String> arguments = section.get("args").items().stream().map(Checked::text).toList();
        return new CommandSettings(program, arguments, section.get("timeout").duration());
    }

    /** {@code cutover.prometheus}: written exactly when a trigger asks Prometheus. */
    private Optional<PrometheusSettings> prometheus(Checked cutover, List<TriggerSpec> triggers) {
        Optional<Checked> section = cutover.find("prometheus");
        Optional<TriggerSpec> asking = triggers.stream().filter(t -> t.provider() == ProviderKind.PROMETHEUS).findFirst();
        if (asking.isPresent() && section.isEmpty()) {
            Checked provider = cutover.get("triggers").items().get(triggers.indexOf(asking.get())).get("provider");
            throw PlanException.at(file, provider.mark(), "cutover.prometheus", "missing section 'prometheus' in "
                    + "'cutover': trigger " + asking.get().name() + " reads provider prometheus, so Safeshift needs to "
                    + "know which Prometheus to ask. Add it, for example: prometheus: {url: "
                    + "http://prometheus.internal:9090}.", "a map with the field url", null);
        }
        if (asking.isEmpty() && section.isPresent()) {
            throw PlanException.at(file, section.get().mark(), section.get().path(), section.get().path()
                    + " is set but no trigger has provider: prometheus, so it would never be asked. Remove it, or add "
                    + "a trigger that reads provider prometheus.", null, null);
        }
        if (section.isEmpty()) {
            return Optional.empty();
        }
        Checked url = section.get().get("url");
        String problem;
        try {
            return Optional.of(new PrometheusSettings(new URI(url.text().strip())));
        } catch (URISyntaxException e) {
            problem = "is not a URL (" + e.getReason() + ")";
        } catch (IllegalArgumentException e) {
            problem = "is not the address of a Prometheus server: " + e.getMessage();
        }
        throw PlanException.at(file, url.mark(), url.path(), url.path() + " " + problem + ". Write the server's base "
                + "address, http:// or https:// and a host, such as http://prometheus.internal:9090, without "
                + "credentials.", "an http:// or https:// URL", null);
    }

    private PgBouncerSettings pgbouncer(Checked section) {
        Checked url = section.get("admin-url");
        if (!ADMIN_URL.matcher(url.text()).matches()) {
            throw PlanException.at(file, url.mark(), url.path(), url.path() + " must be a jdbc:postgresql:// URL "
                    + "of PgBouncer's admin console, whose database is pgbouncer, such as "
                    + "jdbc:postgresql://pgbouncer.internal:6432/pgbouncer.", "a JDBC URL ending in /pgbouncer", null);
        }
        Optional<Checked> reference = section.find("password");
        Endpoint admin = new Endpoint(url.text(), section.get("user").text(), reference.map(Checked::text),
                reference.map(this::resolve));
        Path config = path(section.get("config"), "Write the path of the PgBouncer configuration file, such as "
                + "/etc/pgbouncer/pgbouncer.ini.");
        return new PgBouncerSettings(admin, section.get("database").text(), config);
    }

    /** A file path as written, a relative one resolved against the plan file's directory. */
    private Path path(Checked value, String whatToWrite) {
        if (value.text().isBlank()) {
            throw PlanException.at(file, value.mark(), value.path(), value.path() + " is blank. " + whatToWrite,
                    "a file path", null);
        }
        Path path;
        try {
            path = Path.of(value.text());
        } catch (java.nio.file.InvalidPathException e) {
            throw PlanException.at(file, value.mark(), value.path(), value.path() + " is not a "
                    + "file path: " + e.getReason() + ".", "a file path", null);
        }
        Path directory = file.toAbsolutePath().getParent();
        return path.isAbsolute() || directory == null ? path : directory.resolve(path).normalize();
    }

    private List<TriggerSpec> triggers(Checked list) {
        List<TriggerSpec> triggers = new ArrayList<>();
        Map<String, Checked> names = new HashMap<>();
        for (Checked entry : list.items()) {
            Checked name = entry.get("name");
            Checked first = names.putIfAbsent(name.text(), name);
            if (first != null) {
                throw PlanException.at(file, name.mark(), name.path(), name.path() + ": trigger '" + name.text()
                        + "' is defined twice (first as " + first.path() + " on line " + line(first)
                        + "). Give each trigger a name of its own.", null, null);
            }
            triggers.add(trigger(entry));
        }
        return triggers;
    }

    private TriggerSpec trigger(Checked entry) {
        String name = entry.get("name").text();
        Metric metric = Metric.ofPlanName(entry.get("metric").text()).orElseThrow();
        Checked providerValue = entry.get("provider");
        ProviderKind provider = ProviderKind.ofPlanValue(providerValue.text());
        if (!provider.metrics().contains(metric)) {
            List<String> offering = Arrays.stream(ProviderKind.values()).filter(p -> p.metrics().contains(metric))
                    .map(ProviderKind::planValue).toList();
            throw PlanException.at(file, providerValue.mark(), providerValue.path(), providerValue.path()
                    + ": provider " + provider.planValue() + " has no metric " + metric.planName() + "; it offers "
                    + String.join(", ", provider.metrics().stream().sorted().map(Metric::planName).toList()) + ". Write "
                    + "provider: " + String.join(" or provider: ", offering) + " for " + metric.planName()
                    + ", or choose a metric the provider offers.", null, null);
        }
        Optional<String> query = providerQuery(entry, provider);
        Optional<Checked> pattern = entry.find("pattern");
        if (pattern.isPresent() && provider != ProviderKind.ROUTER) {
            throw PlanException.at(file, pattern.get().mark(), pattern.get().path(), pattern.get().path() + " filters "
                    + "the query patterns the routers record, and provider " + provider.planValue() + " has none. Remove "
                    + "it" + (provider.runsQuery() ? ", and choose the statements in the trigger's query instead." : "."),
                    null, null);
        }
        Condition condition = condition(entry.get("condition"), metric);
        Checked interval = entry.get("interval");
        Checked window = entry.get("window");
        if (window.duration().compareTo(interval.duration()) < 0) {
            throw PlanException.at(file, window.mark(), window.path(), window.path() + " ("
                    + Durations.format(window.duration()) + ") is shorter than the trigger's interval ("
                    + Durations.format(interval.duration()) + "), so part of the time between evaluations would never "
                    + "be read. Make the window at least " + Durations.format(interval.duration()) + ".", null,
                    Durations.format(interval.duration()));
        }
        TriggerAction action = TriggerAction.ofPlanValue(entry.get("action").text());
        Optional<Duration> deadline = entry.find("deadline").map(Checked::duration);
        if (action == TriggerAction.ROLLBACK && deadline.isEmpty()) {
            throw PlanException.at(file, entry.mark(), entry.path() + ".deadline", "missing field 'deadline' in '"
                    + entry.path() + "': a rollback trigger says how long the rollback may take. Add it, for example: "
                    + "deadline: 2m.", "a duration", null);
        }
        // The schema bounds consecutive to 1..100, so the narrowing cannot overflow.
        long minSamples = entry.find("min-samples").map(Checked::number).orElse(provider.defaultMinSamples());
        return new TriggerSpec(name, metric, provider, query, text(entry, "pattern", TriggerSpec.MAXIMUM_PATTERN_LENGTH),
                condition, interval.duration(), window.duration(), minSamples,
                Math.toIntExact(entry.get("consecutive").number()), action, text(entry, "owner", MAXIMUM_OWNER_LENGTH),
                deadline, OnInconclusive.ofPlanValue(entry.get("on-inconclusive").text()));
    }

    /** The trigger's {@code query}: written exactly when its provider runs one. */
    private Optional<String> providerQuery(Checked entry, ProviderKind provider) {
        Optional<Checked> query = entry.find("query");
        if (provider.runsQuery() && query.isEmpty()) {
            throw PlanException.at(file, entry.mark(), entry.path() + ".query", "missing field 'query' in '"
                    + entry.path() + "': provider " + provider.planValue() + " runs the trigger's own query, "
                    + queryExample(provider) + ".", "a query", null);
        }
        if (!provider.runsQuery() && query.isPresent()) {
            throw PlanException.at(file, query.get().mark(), query.get().path(), query.get().path() + " is set, but "
                    + "provider " + provider.planValue() + " runs no query of the plan's. Remove query, or write "
                    + "provider: " + String.join(" or provider: ", Arrays.stream(ProviderKind.values())
                    .filter(ProviderKind::runsQuery).map(ProviderKind::planValue).toList()) + " to run it.", null, null);
        }
        return text(entry, "query", TriggerSpec.MAXIMUM_QUERY_LENGTH);
    }

    private static String queryExample(ProviderKind provider) {
        return switch (provider) {
            case SQL -> "a SQL query returning one row whose column value is the metric. Add it, for example: "
                    + "query: select count(*) / {window_seconds}.0 as value from payments where created_at > now()"
                    + " - interval '1 second' * {window_seconds}";
            case PROMETHEUS -> "a PromQL expression giving one number. Add it, for example: query: "
                    + "sum(rate(http_requests_total{status=~\"5..\"}[{window}])) / sum(rate(http_requests_total[{window}]))"
                    + " * 100";
            default -> "which returns the metric. Add it";
        };
    }

    /** An optional text that, when written, says something: not blank, and not longer than {@code limit}. */
    private Optional<String> text(Checked entry, String key, int limit) {
        Optional<Checked> value = entry.find(key);
        if (value.isPresent() && (value.get().text().isBlank() || value.get().text().length() > limit)) {
            throw PlanException.at(file, value.get().mark(), value.get().path(), value.get().path() + " is "
                    + (value.get().text().isBlank() ? "blank" : "longer than " + limit + " characters")
                    + ". Write at most " + limit + " characters, or leave the field out.", "text of 1 to " + limit
                    + " characters", null);
        }
        return value.map(Checked::text);
    }

    private Condition condition(Checked value, Metric metric) {
        try {
            return Condition.parse(value.text(), metric);
        } catch (Condition.Invalid e) {
            throw PlanException.at(file, value.mark(), value.path(), value.path() + ": " + e.getMessage(),
                    "a condition such as " + metric.exampleCondition() + " or > 2x baseline",
                    e.suggestion().orElse(null));
        }
    }

    private static List<Owner> owners(Checked list) {
        return list.items().stream()
                .map(o -> new Owner(o.get("name").text(), o.get("role").text(),
                        o.find("contact").map(Checked::text).orElse(null)))
                .toList();
    }

    /** Table names are repeated in messages to point at an entry; a very long one is cut. */
    private static String shorten(QualifiedName name) {
        String text = name.toString();
        return text.length() > 120 ? text.substring(0, 117) + "..." : text;
    }

    private static int line(Checked value) {
        return value.mark().getLine() + 1;
    }
}
