package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.yaml.snakeyaml.Yaml;

/** The statements of check/corpus.yaml with what the rules must say about each; see the file's header. */
final class Corpus {

    /** How a case is run on the live servers. */
    enum Live {
        RUN, ERROR, SKIP
    }

    /** What one statement does to one table, as the corpus writes it: "ACCESS_EXCLUSIVE REWRITE". */
    record Effect(LockMode lock, Work work) {

        static Effect parse(String text) {
            String[] parts = text.strip().split("\\s+");
            if (parts.length != 2) {
                throw new IllegalArgumentException("an effect is 'LOCK WORK', not '" + text + "'");
            }
            return new Effect(LockMode.valueOf(parts[0]), Work.valueOf(parts[1]));
        }

        @Override
        public String toString() {
            return lock + " " + work;
        }
    }

    record Case(int number, String sql, Optional<Integer> statement, Map<QualifiedName, Effect> effects,
                Set<String> rules, Live live, Set<QualifiedName> planner, int since) {

        String title() {
            String first = sql.strip().lines().reduce((a, b) -> b).orElse("");
            return "#" + number + " " + (first.length() > 90 ? first.substring(0, 90) + "..." : first);
        }
    }

    static final String RESOURCE = "/check/corpus.yaml";
    static final String FIXTURE = "/check/fixture.sql";

    private Corpus() {
    }

    static String fixture() {
        return text(FIXTURE);
    }

    static List<Case> cases() {
        List<Object> entries = new Yaml().load(text(RESOURCE));
        List<Case> cases = new ArrayList<>();
        for (Object entry : entries) {
            Map<?, ?> map = (Map<?, ?>) entry;
            Set<String> known = Set.of("sql", "statement", "effects", "rules", "live", "why", "planner", "since");
            for (Object key : map.keySet()) {
                if (!known.contains(String.valueOf(key))) {
                    throw new IllegalArgumentException("unknown key '" + key + "' in corpus case " + (cases.size() + 1));
                }
            }
            Map<QualifiedName, Effect> effects = new LinkedHashMap<>();
            Map<?, ?> writtenEffects = (Map<?, ?>) Objects.requireNonNull(map.get("effects"), "effects");
            writtenEffects.forEach((table, effect) -> effects.put(QualifiedName.parse(String.valueOf(table), "public"),
                    Effect.parse(String.valueOf(effect))));
            Set<String> rules = new TreeSet<>();
            ((List<?>) Objects.requireNonNull(map.get("rules"), "rules")).forEach(r -> rules.add(String.valueOf(r)));
            Set<QualifiedName> planner = new java.util.HashSet<>();
            if (map.get("planner") instanceof List<?> tables) {
                tables.forEach(t -> planner.add(QualifiedName.parse(String.valueOf(t), "public")));
            }
            Live live = Live.valueOf(String.valueOf(map.containsKey("live") ? map.get("live") : "run")
                    .toUpperCase(java.util.Locale.ROOT));
            if (live == Live.SKIP && !map.containsKey("why")) {
                throw new IllegalArgumentException("corpus case " + (cases.size() + 1) + " skips the live run without "
                        + "saying why");
            }
            Optional<Integer> statement = Optional.ofNullable((Integer) map.get("statement"));
            int since = map.containsKey("since") ? (Integer) map.get("since") : 0;
            cases.add(new Case(cases.size() + 1, String.valueOf(map.get("sql")), statement, effects, rules, live,
                    planner, since));
        }
        return cases;
    }

    private static String text(String resource) {
        try (InputStream in = Corpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
