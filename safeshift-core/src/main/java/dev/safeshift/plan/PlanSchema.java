package dev.safeshift.plan;

import static dev.safeshift.plan.FieldType.CHOICE;
import static dev.safeshift.plan.FieldType.COLUMN_NAME;
import static dev.safeshift.plan.FieldType.DURATION;
import static dev.safeshift.plan.FieldType.ENV_REFERENCE;
import static dev.safeshift.plan.FieldType.INTEGER;
import static dev.safeshift.plan.FieldType.JDBC_URL;
import static dev.safeshift.plan.FieldType.LIST;
import static dev.safeshift.plan.FieldType.MAP;
import static dev.safeshift.plan.FieldType.PERCENT;
import static dev.safeshift.plan.FieldType.SIZE;
import static dev.safeshift.plan.FieldType.STRING;
import static dev.safeshift.plan.FieldType.TABLE_NAME;

import dev.safeshift.trigger.Metric;
import dev.safeshift.trigger.OnInconclusive;
import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import java.time.Duration;

/**
 * The one definition of the plan file (version 1). {@link PlanLoader} checks plans against it and
 * {@link PlanReference} renders docs/plan-reference.md from it: add or change a field here and
 * both follow.
 */
public final class PlanSchema {

    /** Migration names become part of replication slot names, which are lower-case and at most 63 characters. */
    public static final String NAME_PATTERN = "[a-z][a-z0-9_]{0,39}";
    /** Schema names Safeshift creates itself; lower-case so no engine needs to quote or fold them. */
    public static final String SCHEMA_PATTERN = "[a-z_][a-z0-9_]{0,62}";
    /** Tables without a schema are looked up here. */
    public static final String DEFAULT_TABLE_SCHEMA = "public";

    private static final Field ROOT = Field.of("", MAP).fields(
            Field.of("name", STRING).required()
                    .pattern(NAME_PATTERN, "a lower-case name of at most 40 characters (a letter, then "
                            + "letters, digits or _)")
                    .description("Name of the migration. It becomes part of replication slot names and "
                            + "control store rows, which is why it is short and lower-case.")
                    .example("payments_move").build(),
            endpoint("source", "The database the tables are moved from, and the one a `change` is applied to.",
                    "jdbc:postgresql://old-db.internal:5432/shop", "SOURCE_PGPASSWORD").required().build(),
            endpoint("target", "The database the tables are moved to. Without it the plan only changes the source "
                            + "in place (`change`), and the commands that move data (`run`, `verify`, `cutover` and the "
                            + "others) refuse it.",
                    "jdbc:postgresql://new-db.internal:5432/shop", "TARGET_PGPASSWORD")
                    .requiredWhen("required without `change`").build(),
            Field.of("tables", LIST).required().nonEmpty()
                    .description("The tables to move, or to change in place. Each table may be listed once.")
                    .items("tables", table()).build(),
            ChangeFields.change(),
            ChangeFields.apply(),
            control(),
            copy(),
            verify(),
            retry(),
            stream(),
            cutover(),
            GateFields.gate(),
            RiskFields.business(),
            RiskFields.risks(),
            Field.of("owners", LIST)
                    .description("The people accountable for this migration. Reports and the go/no-go "
                            + "checklist name them.")
                    .items("owners", owner()).build())
            .build();

    /**
     * The example plan's triggers: one per provider, since a field of one provider (a router's
     * {@code pattern}, a query) is refused for another. Together they use every field of a trigger.
     */
    private static final String TRIGGERS_EXAMPLE = """
            - name: payment_errors
              metric: error_rate
              provider: router
              pattern: update payments set
              condition: '> 2%'
              interval: 10s
              window: 1m
              min-samples: 50
              consecutive: 3
              action: rollback
              owner: Ana Lima
              deadline: 2m
              on-inconclusive: wait
            - name: payments_stopped
              metric: throughput
              provider: sql
              query: "select count(*) / {window_seconds}.0 as value from payments where created_at > now() - interval '1 second' * {window_seconds}"
              condition: '< 0.5/s'
              consecutive: 2
              action: alert
            - name: checkout_latency
              metric: latency_p99
              provider: prometheus
              query: 'histogram_quantile(0.99, sum by (le) (rate(checkout_seconds_bucket{db="{side}"}[{window}]))) * 1000'
              condition: '> 1.5x baseline'
              action: alert
            - name: stream_back_behind
              metric: lag
              provider: lag
              condition: '> 30s'
              action: alert
            """;

    private PlanSchema() {
    }

    /** The top level of a plan: a map whose fields are the sections of the file. */
    public static Field root() {
        return ROOT;
    }

    private static Field.Builder endpoint(String name, String description, String url, String variable) {
        return Field.of(name, MAP).description(description).fields(
                Field.of("url", JDBC_URL).required().description("JDBC URL of the database.")
                        .example(url).build(),
                user("migrator").required().build(),
                password(variable));
    }

    /**
     * The example is SQL written in the plan, since the example plan must load on its own: a path
     * would name a file that is not there.
     */
    /** Always written: left to the driver, it would be the operating system's user, whoever runs safeshift. */
    private static Field.Builder user(String example) {
        return Field.of("user", STRING).description("User to connect as. Always written, so the login never "
                + "depends on who runs safeshift.").example(example);
    }

    private static Field password(String variable) {
        return Field.of("password", ENV_REFERENCE)
                .description("Password, as a reference to the environment variable that holds it.")
                .example("${" + variable + "}").build();
    }

    private static Field table() {
        return Field.of("", MAP).fields(
                Field.of("source", TABLE_NAME).required()
                        .description("The table in the source database.").example("public.payments").build(),
                Field.of("target", TABLE_NAME).defaultText("same as `source`")
                        .description("The table in the target database.").example("billing.payments").build(),
                Field.of("columns", LIST).nonEmpty().unique().defaultText("every column")
                        .description("The columns to copy. Each column may be listed once.")
                        .items("column names", Field.of("", COLUMN_NAME).build())
                        .example("[id, account_id, amount_cents, currency, created_at]").build(),
                Field.of("existing-rows", CHOICE).choices("refuse", "replace")
                        .defaultValue(ExistingRows.REFUSE.planValue())
                        .description("What the daemon does when a fresh migration finds rows already in the "
                                + "target table: `refuse` stops with a message, `replace` deletes them first.")
                        .example("refuse").build())
                .build();
    }

    private static Field control() {
        return Field.of("control", MAP).defaultText("in the target database (the source for a plan without a target)")
                .description("Where Safeshift keeps its state: progress, checkpoints, verification "
                        + "results, sign-offs and the timeline.")
                .fields(
                        Field.of("url", JDBC_URL).defaultText("the target database")
                                .description("JDBC URL of the database holding the control store. Without "
                                        + "it the store lives in the target database (in the source for a plan "
                                        + "that only changes it in place) and `user` and `password` must be left "
                                        + "out.")
                                .example("jdbc:postgresql://ops-db.internal:5432/ops").build(),
                        user("safeshift").requiredWhen("required with `url`").build(),
                        password("CONTROL_PGPASSWORD"),
                        Field.of("schema", STRING).defaultValue(ControlSpec.DEFAULT_SCHEMA)
                                .pattern(SCHEMA_PATTERN, "a lower-case schema name of at most 63 "
                                        + "characters (letters, digits or _, not starting with a digit)")
                                .description("Schema holding the control store tables.")
                                .example("safeshift").build())
                .build();
    }

    private static Field copy() {
        return Field.of("copy", MAP)
                .description("How the backfill copies existing rows.")
                .fields(
                        Field.of("parallelism", INTEGER).range(1, 64)
                                .defaultValue((long) CopySettings.DEFAULTS.parallelism())
                                .description("How many chunks are copied at the same time.")
                                .example("4").build(),
                        Field.of("rows-per-chunk", INTEGER).atLeast(100)
                                .defaultValue(CopySettings.DEFAULTS.rowsPerChunk())
                                .description("About how many rows each chunk holds. A finished chunk is "
                                        + "a checkpoint: after a restart only unfinished chunks are copied "
                                        + "again.")
                                .example("250000").build())
                .build();
    }

    private static Field verify() {
        return Field.of("verify", MAP).defaultText("not scheduled")
                .description("How often the target is verified against the source while the migration runs, "
                        + "and how much of it each time. Each result is kept in the control store and on the "
                        + "timeline. Leave the section out to schedule no verification.")
                .fields(
                        Field.of("every", DURATION).required().atLeast(VerifySchedule.MINIMUM_EVERY)
                                .description("Time from the end of one verification to the start of the next.")
                                .example("1h").build(),
                        Field.of("sample", PERCENT).defaultText("every chunk (a full verification)")
                                .description("The share of each table's chunks checked, chosen at random each "
                                        + "time. A sample is quicker; the result says what it can promise about "
                                        + "the chunks it did not check.")
                                .example("5%").build())
                .build();
    }

    private static Field retry() {
        return Field.of("retry", MAP)
                .description("How long the daemon rides out failures that pass by themselves.")
                .fields(
                        Field.of("give-up-after", DURATION).atLeast(RetrySettings.MINIMUM_GIVE_UP_AFTER)
                                .defaultValue(RetrySettings.DEFAULTS.giveUpAfter())
                                .description("Transient failures (a server restart, a terminated connection, "
                                        + "a network cut) are retried with backoff for this long, during the "
                                        + "backfill and while streaming, before the daemon stops.")
                                .example("10m").build())
                .build();
    }

    private static Field stream() {
        return Field.of("stream", MAP)
                .description("Limits for watching the change stream.")
                .fields(
                        Field.of("warn-retained-wal", SIZE)
                                .range(StreamSettings.MINIMUM_WARN_RETAINED_WAL_BYTES,
                                        StreamSettings.MAXIMUM_WARN_RETAINED_WAL_BYTES)
                                .defaultValue(StreamSettings.DEFAULTS.warnRetainedWalBytes())
                                .description("`safeshift status` warns when the source keeps more write-ahead "
                                        + "log than this for the migration's replication slot.")
                                .example("10GB").build())
                .build();
    }

    private static Field cutover() {
        CutoverSettings defaults = CutoverSettings.DEFAULTS;
        return Field.of("cutover", MAP)
                .description("How `safeshift cutover` moves the application from the source to the target: "
                        + "when it may start, how traffic is switched, and how long writes may be held.")
                .fields(
                        Field.of("switch", CHOICE).choices(CutoverSettings.SwitchKind.ROUTER.planValue(),
                                        CutoverSettings.SwitchKind.PGBOUNCER.planValue(),
                                        CutoverSettings.SwitchKind.COMMAND.planValue())
                                .defaultValue(defaults.trafficSwitch().planValue())
                                .description("How the application's traffic is moved: `router`, through the "
                                        + "routing DataSource of safeshift-jdbc (see docs/router.md), which follows the "
                                        + "route the cutover sets in the control store; `pgbouncer`, through the "
                                        + "PgBouncer of `cutover.pgbouncer`, whose database entry the cutover pauses, "
                                        + "points at the other side, reloads and resumes; `command`, through the hook "
                                        + "program of `cutover.command`, which holds, drains and moves the traffic "
                                        + "through whatever carries it (see docs/switches.md).")
                                .example("pgbouncer").build(),
                        pgbouncer(),
                        command(),
                        prometheus(),
                        Field.of("max-lag", DURATION).defaultValue(defaults.maxLag())
                                .description("A cutover starts only while the change stream is less than this "
                                        + "behind the source.")
                                .example("5s").build(),
                        Field.of("verified-within", DURATION).atLeast(Duration.ofMinutes(1))
                                .defaultValue(defaults.verifiedWithin())
                                .description("A cutover starts only when the last verification found the target "
                                        + "equal to the source and finished no longer ago than this.")
                                .example("1h").build(),
                        Field.of("write-pause-budget", DURATION).range(
                                        CutoverSettings.MINIMUM_WRITE_PAUSE_BUDGET.getSeconds(),
                                        CutoverSettings.MAXIMUM_WRITE_PAUSE_BUDGET.getSeconds())
                                .defaultValue(defaults.writePauseBudget())
                                .description("The longest the application's writes may be held while the "
                                        + "target catches up with the last of them. A cutover that cannot switch "
                                        + "within it gives up: the fence is lifted and traffic goes on to the source.")
                                .example("5s").build(),
                        Field.of("triggers", LIST)
                                .description("The triggers that watch the target after the switch: each one a metric, "
                                        + "a condition, and what happens when it is breached several evaluations in a "
                                        + "row. Each trigger's name may be used once. See docs/triggers.md.")
                                .example(TRIGGERS_EXAMPLE)
                                .items("triggers", trigger()).build())
                .build();
    }

    private static Field pgbouncer() {
        return Field.of("pgbouncer", MAP).requiredWhen("required when `switch` is `pgbouncer`, refused otherwise")
                .onlyWhen("switch", CutoverSettings.SwitchKind.PGBOUNCER.planValue())
                .description("The PgBouncer the application connects through, for `switch: pgbouncer`. A switch "
                        + "runs `PAUSE` on its admin console (new transactions wait, running ones finish), rewrites "
                        + "the host, port and dbname of the database entry in the configuration file to those of the "
                        + "target (or, going back, the source) as written in their `url`, then runs `RELOAD` and "
                        + "`RESUME`. Nothing else in the file changes.")
                .fields(
                        Field.of("admin-url", JDBC_URL).required()
                                .description("JDBC URL of PgBouncer's admin console: its database is `pgbouncer`. "
                                        + "Safeshift logs in with trust, a password, MD5 or SCRAM-SHA-256, without TLS.")
                                .example("jdbc:postgresql://pgbouncer.internal:6432/pgbouncer").build(),
                        Field.of("user", STRING).required()
                                .description("User to connect to the admin console as; one of PgBouncer's "
                                        + "`admin_users`.")
                                .example("pgbouncer_admin").build(),
                        password("PGBOUNCER_ADMIN_PASSWORD"),
                        Field.of("database", STRING).required()
                                .pattern("[a-z0-9_]{1,63}", "a database entry name of lower-case letters, digits "
                                        + "and _ (at most 63), as PgBouncer's admin console takes it")
                                .description("The entry of the `[databases]` section the application connects to.")
                                .example("shop").build(),
                        Field.of("config", STRING).required()
                                .description("The PgBouncer configuration file holding that entry, as seen from "
                                        + "where the daemon runs; a relative path is read from the plan file's "
                                        + "directory. Safeshift must be able to write it and its directory (the "
                                        + "file is replaced in one rename).")
                                .example("/etc/pgbouncer/pgbouncer.ini").build())
                .build();
    }

    private static Field command() {
        return Field.of("command", MAP).requiredWhen("required when `switch` is `command`, refused otherwise")
                .onlyWhen("switch", CutoverSettings.SwitchKind.COMMAND.planValue())
                .description("The hook program that moves the application's traffic, for `switch: command`: "
                        + "a proxy, a service mesh, a feature flag or a DNS record that Safeshift does not know. "
                        + "It is run once per step, with the step and the databases in environment variables "
                        + "(`SAFESHIFT_ACTION` is `check`, `hold` or `release`), and answers with its exit status; "
                        + "docs/switches.md says what each step must do. No shell reads the program or its "
                        + "arguments.")
                .fields(
                        Field.of("path", STRING).required()
                                .description("The executable, as seen from where the daemon runs; a relative path "
                                        + "is read from the plan file's directory, which is also the directory the "
                                        + "hook runs in. A script needs its `#!` line and the execute permission.")
                                .example("/opt/shop/switch-traffic.sh").build(),
                        Field.of("args", LIST).defaultText("none")
                                .description("Arguments passed to the program after its path, each as written.")
                                .items("strings", Field.of("", STRING).build())
                                .example("[--backend, shop]").build(),
                        Field.of("timeout", DURATION).range(CommandSettings.MINIMUM_TIMEOUT.getSeconds(),
                                        CommandSettings.MAXIMUM_TIMEOUT.getSeconds())
                                .defaultValue(CommandSettings.DEFAULT_TIMEOUT)
                                .description("The longest one call of the hook may run. A hook still running then "
                                        + "(for `hold`, at the cutover's deadline if that comes first) is killed with "
                                        + "the processes it started, and the call counts as failed.")
                                .example("20s").build())
                .build();
    }

    private static Field prometheus() {
        return Field.of("prometheus", MAP)
                .requiredWhen("required when a trigger has `provider: prometheus`, refused otherwise")
                .description("The Prometheus server that triggers with `provider: prometheus` ask their PromQL "
                        + "`query` of, through its HTTP API. Safeshift sends no credentials.")
                .fields(
                        Field.of("url", STRING).required()
                                .description("The server's base address, `http://` or `https://`, without `/api/v1`; "
                                        + "a path prefix (for a server behind a proxy) is kept.")
                                .example("http://prometheus.internal:9090").build())
                .build();
    }

    private static Field trigger() {
        return Field.of("", MAP).fields(
                Field.of("name", STRING).required()
                        .pattern(TriggerSpec.NAME_PATTERN, "a lower-case name of at most 40 characters (a letter, then "
                                + "letters, digits, _ or -)")
                        .description("Names the trigger in messages and in each of its evaluations.")
                        .example("payment_errors").build(),
                Field.of("metric", CHOICE).required().choices(Metric.planNames().toArray(String[]::new))
                        .description("What is watched: `error_rate`, the percentage of statements that failed; "
                                + "`latency_p50`, `latency_p95`, `latency_p99` and `latency_max`, statement latencies "
                                + "in milliseconds; `throughput`, statements per second; `lag`, how far behind the "
                                + "change stream is (only from provider `lag`, which offers nothing else).")
                        .example("error_rate").build(),
                Field.of("provider", CHOICE).choices(ProviderKind.planValues().toArray(String[]::new))
                        .defaultValue(ProviderKind.ROUTER.planValue())
                        .description("Where the figures come from: `router`, the statements the applications run "
                                + "through the routing DataSource of safeshift-jdbc (see docs/router.md); `sql`, the "
                                + "trigger's `query` run on the database being read; `prometheus`, the trigger's "
                                + "PromQL `query` asked of the server in `cutover.prometheus`; `lag`, the change "
                                + "stream's lag as the daemon reports it.")
                        .example("router").build(),
                Field.of("query", STRING)
                        .requiredWhen("required when `provider` is `sql` or `prometheus`, refused otherwise")
                        .description("What the provider runs for each evaluation. For `sql`: a query returning one "
                                + "row, whose column `value` (or first column) is the metric in its unit and whose "
                                + "optional column `samples` is the count the value rests on; it runs read-only, "
                                + "with a timeout of 5s, on the source for the baseline and on the target after "
                                + "cutover, and `{window_seconds}` in it is replaced by the window's length in "
                                + "seconds. For `prometheus`: a PromQL expression giving one number (a scalar, or a "
                                + "vector of one series), evaluated at the end of the window; `{side}` in it is "
                                + "replaced by `source` or `target`, `{window}` by the window as a PromQL duration "
                                + "(`60s`) and `{window_seconds}` by the same in seconds. See docs/triggers.md.")
                        .example("select coalesce(sum(calls), 0) / {window_seconds} as value from recent_calls")
                        .build(),
                Field.of("pattern", STRING).defaultText("every query pattern")
                        .description("Only statements of matching query patterns are counted: a pattern matches "
                                + "when its normalized SQL text contains this text, ignoring case, or when its id "
                                + "(16 hex characters) is this text. For provider `router` only.")
                        .example("update payments set").build(),
                Field.of("condition", STRING).required()
                        .description("When a value is a breach: `>`, `>=`, `<` or `<=` and a threshold in the "
                                + "metric's unit (`2%` for `error_rate`, `800ms` or `1.5s` for latencies, `50/s` for "
                                + "`throughput`, `30s` for `lag`), or a multiple of the baseline measured on the source before cutover "
                                + "(`> 2x baseline`). Quote it: in YAML a value starting with `>` must be in quotes.")
                        .example("'> 2%'").build(),
                Field.of("interval", DURATION).atLeast(TriggerSpec.MINIMUM_INTERVAL)
                        .defaultValue(TriggerSpec.DEFAULT_INTERVAL)
                        .description("How often the trigger is evaluated.")
                        .example("10s").build(),
                Field.of("window", DURATION).atLeast(TriggerSpec.MINIMUM_INTERVAL)
                        .defaultValue(TriggerSpec.DEFAULT_WINDOW)
                        .description("How far back each evaluation reads. At least `interval`, so no stretch of "
                                + "time goes unread.")
                        .example("1m").build(),
                Field.of("min-samples", INTEGER).atLeast(1)
                        .defaultText("`" + ProviderKind.ROUTER.defaultMinSamples() + "` for `router`, `"
                                + ProviderKind.SQL.defaultMinSamples() + "` for the other providers")
                        .description("An evaluation that rests on fewer samples (statement calls for `router`; for "
                                + "`sql`, the query's `samples`, else 1; 1 for `prometheus`; 1 report for `lag`) is "
                                + "inconclusive, and so is a baseline that does.")
                        .example("50").build(),
                Field.of("consecutive", INTEGER).range(1, TriggerSpec.MAXIMUM_CONSECUTIVE)
                        .defaultValue((long) TriggerSpec.DEFAULT_CONSECUTIVE)
                        .description("How many breaches in a row fire the trigger. A pass starts the count again.")
                        .example("3").build(),
                Field.of("action", CHOICE).required().choices(TriggerAction.planValues().toArray(String[]::new))
                        .description("What firing asks for: `rollback` (traffic back to the source within "
                                + "`deadline`), `pause` (the cutover window is held open: traffic stays, and "
                                + "`safeshift complete` is refused until a person rolls back or completes with "
                                + "`--despite-hold`) or `alert` (the timeline and the daemon's output only).")
                        .example("rollback").build(),
                Field.of("owner", STRING)
                        .description("Who answers for the trigger: one of the plan's `owners` by name, or any text.")
                        .example("Ana Lima").build(),
                Field.of("deadline", DURATION).atLeast(TriggerSpec.MINIMUM_DEADLINE)
                        .requiredWhen("required when `action` is `rollback`")
                        .description("How long the action may take from the moment the trigger fires: a rollback "
                                + "must be complete within it.")
                        .example("2m").build(),
                Field.of("on-inconclusive", CHOICE).choices(OnInconclusive.planValues().toArray(String[]::new))
                        .defaultValue(OnInconclusive.WAIT.planValue())
                        .description("What an inconclusive evaluation (no data, fewer than `min-samples` samples, "
                                + "no baseline) does: `wait` counts it as neither pass nor breach and keeps the count "
                                + "of breaches in a row; `breach` counts it as a breach. It is shown as inconclusive "
                                + "either way.")
                        .example("wait").build())
                .build();
    }

    private static Field owner() {
        return Field.of("", MAP).fields(
                Field.of("name", STRING).required().description("The person's name.")
                        .example("Ana Lima").build(),
                Field.of("role", STRING).required()
                        .description("What they answer for, such as `migration lead` or `payments service owner`.")
                        .example("migration lead").build(),
                Field.of("contact", STRING)
                        .description("How to reach them during the migration.")
                        .example("ana.lima@example.com").build())
                .build();
    }
}
