package dev.safeshift.postgres.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.check.Finding;
import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.parse.ParsedStatement;
import dev.safeshift.postgres.parse.ParserServer;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every line of check/corpus.yaml: parsed by PostgreSQL 17's parser (with the fixture's tables
 * defined on the parser server, so queries are analysed), reviewed with schema facts read from
 * PostgreSQL 15, and compared with the expected locks, work and rule ids. Each line the servers can
 * run is then run on PostgreSQL 15 and 14 in a transaction that is rolled back, and the locks and
 * work the rules claim are compared with what the server did.
 */
class StatementRulesCorpusIT {

    /** Rules about a lock held while work is done: their messages name the lock and say what it blocks. */
    private static final java.util.Set<String> LOCK_RULES = java.util.Set.of("adding-field-with-default",
            "adding-required-field", "adding-auto-increment-column", "adding-serial-primary-key-field",
            "adding-stored-generated-column", "adding-constrained-domain-column", "changing-column-type",
            "adding-not-nullable-field", "constraint-missing-not-valid", "adding-foreign-key-constraint",
            "disallowed-unique-constraint", "adding-primary-key-constraint", "adding-exclusion-constraint",
            "require-concurrent-index-creation", "require-concurrent-index-deletion", "require-concurrent-reindex",
            "rewriting-table-storage", "attaching-partition-scans", "require-concurrent-partition-detach",
            "prefer-attach-partition", "prefer-repack", "require-concurrent-refresh",
            "ban-alter-domain-with-add-constraint", "ban-truncate");

    private static ParserServer parser;
    private static List<TestServers.Database> servers;

    @BeforeAll
    static void start() throws SQLException {
        parser = ParserServer.start();
        parser.define(Corpus.fixture());
        servers = TestServers.both("check_corpus");
        for (TestServers.Database server : servers) {
            server.run(Corpus.fixture());
        }
    }

    @AfterAll
    static void stop() throws SQLException {
        parser.close();
        for (TestServers.Database server : servers) {
            server.drop();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusLine() {
        return Corpus.cases().stream().map(c -> DynamicTest.dynamicTest(c.title(), () -> check(c)));
    }

    private static void check(Corpus.Case expected) throws SQLException {
        List<ParsedStatement> statements = parser.parse(expected.sql(), "corpus.yaml#" + expected.number(), 1);
        int index = expected.statement().orElse(statements.size()) - 1;
        StatementReview review;
        try (Connection facts = servers.get(0).connect()) {
            List<StatementReview> reviews = StatementRules.review(statements, new PostgresSchemaFacts(facts),
                    ParsedRelations.of(parser));
            assertThat(reviews).extracting(StatementReview::statement).containsExactlyElementsOf(statements);
            for (StatementReview each : reviews) {
                for (Finding finding : each.findings()) {
                    assertThat(finding.subject()).isEqualTo(each.statement().place());
                    assertThat(finding.advice()).as("advice of %s", finding.rule()).isPresent();
                    assertThat(RuleCatalog.byId(finding.rule())).as("rule %s in the catalog", finding.rule()).isPresent();
                    if (LOCK_RULES.contains(finding.rule())) {
                        assertThat(java.util.Arrays.stream(LockMode.values()).map(LockMode::blocks))
                                .as("what the lock blocks, in: %s", finding.message())
                                .anyMatch(finding.message()::contains);
                    }
                }
            }
            review = reviews.get(index);
        }
        Map<QualifiedName, Corpus.Effect> effects = new LinkedHashMap<>();
        review.effects().forEach(e -> effects.put(e.table(), new Corpus.Effect(e.lock(), e.work())));
        String explained = explain(review);
        assertThat(effects).as("effects of %s%s", expected.title(), explained)
                .containsExactlyInAnyOrderEntriesOf(expected.effects());
        assertThat(new TreeSet<>(review.findings().stream().map(Finding::rule).toList()))
                .as("rules of %s%s", expected.title(), explained).containsExactlyElementsOf(expected.rules());
        if (expected.live() == Corpus.Live.SKIP) {
            return;
        }
        for (TestServers.Database server : servers) {
            try (Connection connection = server.connect()) {
                if (connection.getMetaData().getDatabaseMajorVersion() < expected.since()) {
                    continue;
                }
                LiveRun.Observed observed = LiveRun.run(connection, statements, index);
                if (expected.live() == Corpus.Live.ERROR) {
                    assertThat(observed.error()).as("%s refuses %s", server, expected.title()).isPresent();
                    continue;
                }
                assertThat(observed.error()).as("%s runs %s", server, expected.title()).isEmpty();
                compare(expected, observed, server);
            }
        }
    }

    private static void compare(Corpus.Case expected, LiveRun.Observed observed, TestServers.Database server) {
        String where = " on " + server + " for " + expected.title();
        observed.newLocks().forEach((table, lock) -> {
            if (!expected.effects().containsKey(table)) {
                assertThat(lock.blocksWrites()).as("%s takes %s on %s, which the rules do not list%s", server, lock,
                        table, where).isFalse();
            }
        });
        expected.effects().forEach((table, effect) -> {
            LockMode taken = observed.newLocks().get(table);
            boolean heldAlready = observed.heldBefore().getOrDefault(table, java.util.Set.of()).contains(effect.lock());
            if (!heldAlready) {
                assertThat(taken).as("lock on %s%s", table, where).isEqualTo(effect.lock());
            }
            if (!expected.planner().contains(table) && !observed.created().contains(table)) {
                assertThat(observed.work().get(table)).as("work on %s%s", table, where).isEqualTo(effect.work());
            }
        });
    }

    private static String explain(StatementReview review) {
        List<String> lines = new ArrayList<>();
        review.effects().forEach(e -> lines.add(e.table() + ": " + e.lock() + " " + e.work() + " (" + e.why() + ")"));
        review.findings().forEach(f -> lines.add(f.rule() + ": " + f.message()));
        return lines.isEmpty() ? "" : "\n  " + String.join("\n  ", lines) + "\n";
    }
}
