package dev.safeshift.postgres.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The rule catalog is complete and every rule is exercised by a line of the corpus. */
class RuleCatalogTest {

    @Test
    void idsAreUniqueAndEveryRuleIsDescribed() {
        List<Rule> rules = RuleCatalog.all();

        assertThat(rules).extracting(Rule::id).doesNotHaveDuplicates();
        assertThat(rules).hasSizeGreaterThanOrEqualTo(40);
        assertThat(rules).allSatisfy(rule -> {
            assertThat(rule.flags()).as(rule.id()).isNotBlank();
            assertThat(rule.alternative()).as(rule.id()).isNotBlank();
            assertThat(rule.reference()).as(rule.id()).matches("\\[[^]]+]\\(https://www\\.postgresql\\.org/docs/17/[^)]+\\)");
        });
    }

    @Test
    void everyRuleIsExercisedByTheCorpus() {
        Set<String> exercised = new HashSet<>();
        Corpus.cases().forEach(c -> exercised.addAll(c.rules()));
        Set<String> untested = new TreeSet<>();
        RuleCatalog.all().forEach(rule -> {
            if (!exercised.contains(rule.id())) {
                untested.add(rule.id());
            }
        });

        assertThat(untested).as("rules no corpus line expects").isEmpty();
        Set<String> unknown = new TreeSet<>(exercised);
        RuleCatalog.all().forEach(rule -> unknown.remove(rule.id()));
        assertThat(unknown).as("corpus rule ids the catalog does not have").isEmpty();
    }

    @Test
    void everyRuleOtherToolsAreMappedToExists() {
        assertThat(OtherTools.CHECKS).allSatisfy(check -> {
            assertThat(check.rules().isEmpty()).as("%s %s is covered or says why not", check.tool(), check.check())
                    .isEqualTo(!check.note().isEmpty());
            check.rules().forEach(rule -> assertThat(RuleCatalog.byId(rule)).as(rule).isPresent());
        });
    }

    @Test
    void corpusIsLargeAndCoversEveryFamily() {
        List<Corpus.Case> cases = Corpus.cases();

        assertThat(cases).hasSizeGreaterThanOrEqualTo(60);
        for (RuleCatalog.Family family : RuleCatalog.families()) {
            assertThat(cases).as(family.title()).anySatisfy(c -> assertThat(c.rules())
                    .containsAnyElementsOf(family.rules().stream().map(Rule::id).toList()));
        }
    }
}
