package dev.safeshift.cutover.hook;

import dev.safeshift.engine.Side;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.PgBouncerSettings;
import dev.safeshift.plan.Plan;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The environment variables a hook is called with, as docs/switches.md lists them. Every call gets
 * the migration and both databases; each action adds its own. No password is ever among them, and
 * the variables the plan reads passwords from are taken out of what the hook inherits.
 */
final class HookEnvironment {

    /** Every variable Safeshift sets starts with this; the daemon's own are not passed on, so none is stale. */
    static final String PREFIX = "SAFESHIFT_";
    static final String ACTION = "SAFESHIFT_ACTION";
    static final String MIGRATION = "SAFESHIFT_MIGRATION";
    static final String FROM = "SAFESHIFT_FROM";
    static final String TO = "SAFESHIFT_TO";
    static final String DEADLINE = "SAFESHIFT_DEADLINE";
    static final String DEADLINE_EPOCH_MILLIS = "SAFESHIFT_DEADLINE_EPOCH_MILLIS";
    static final String ATTEMPT = "SAFESHIFT_ATTEMPT";

    /** A PostgreSQL JDBC URL naming one host, from which host, port and database are told to the hook. */
    private static final Pattern ONE_HOST =
            Pattern.compile("jdbc:postgresql://(\\[[^\\]]+\\]|[^/:?,\\[\\]]+)(?::([0-9]{1,5}))?/([^?]*)(?:\\?.*)?");

    private final Map<String, String> common;
    private final Set<String> secrets;

    private HookEnvironment(Map<String, String> common, Set<String> secrets) {
        this.common = Map.copyOf(common);
        this.secrets = Set.copyOf(secrets);
    }

    static HookEnvironment of(Plan plan) {
        Map<String, String> common = new LinkedHashMap<>();
        common.put(MIGRATION, plan.name());
        database(common, "SOURCE", plan.source());
        database(common, "TARGET", plan.moveTarget());
        Set<String> secrets = Stream.of(Optional.of(plan.source()), plan.target(),
                        plan.control().endpoint(), plan.cutover().pgbouncer().map(PgBouncerSettings::admin))
                .flatMap(Optional::stream)
                .flatMap(endpoint -> endpoint.passwordVariable().stream())
                .collect(Collectors.toSet());
        return new HookEnvironment(common, secrets);
    }

    /** Variables of the daemon's environment the hook must not inherit: those the plan reads passwords from. */
    Set<String> secrets() {
        return secrets;
    }

    Map<String, String> check() {
        return with(Map.of(ACTION, "check"));
    }

    Map<String, String> hold(Side from, Instant deadline) {
        Instant millis = deadline.truncatedTo(ChronoUnit.MILLIS);
        return with(Map.of(ACTION, "hold", FROM, side(from), DEADLINE, millis.toString(),
                DEADLINE_EPOCH_MILLIS, Long.toString(millis.toEpochMilli())));
    }

    Map<String, String> release(Side to, int attempt) {
        return with(Map.of(ACTION, "release", TO, side(to), ATTEMPT, Integer.toString(attempt)));
    }

    static String side(Side side) {
        return side.name().toLowerCase(Locale.ROOT);
    }

    private Map<String, String> with(Map<String, String> action) {
        Map<String, String> all = new LinkedHashMap<>(common);
        all.putAll(action);
        return all;
    }

    /** The URL (redacted, should it hold a secret after all) and, when it names one host, its parts. */
    private static void database(Map<String, String> variables, String side, Endpoint endpoint) {
        variables.put(PREFIX + side + "_URL", endpoint.redactedUrl());
        Matcher url = ONE_HOST.matcher(endpoint.url());
        if (url.matches()) {
            String host = url.group(1);
            variables.put(PREFIX + side + "_HOST", host.startsWith("[") ? host.substring(1, host.length() - 1) : host);
            variables.put(PREFIX + side + "_PORT", url.group(2) == null ? "5432" : url.group(2));
            variables.put(PREFIX + side + "_DATABASE", URLDecoder.decode(url.group(3), StandardCharsets.UTF_8));
        }
    }
}
