package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {

    @TempDir
    Path dir;

    @Test
    void readsEachRuleWithWhatItRequires() throws Exception {
        Path file = Files.writeString(dir.resolve("safeshift-policy.yaml"), """
                policy: acme-payments
                rules:
                  - name: finance-signs-payments
                    why: 2026-03 payments outage postmortem
                    signoffs: [engineering, finance]
                  - name: clean-day
                    clean-verification-for: 24h
                  - name: recent
                    verified-within: 2h
                  - name: owned-rollback
                    rollback-trigger: required
                """);

        Policy policy = PolicyLoader.load(file);

        assertThat(policy.name()).isEqualTo("acme-payments");
        assertThat(policy.rules()).extracting(Policy.Rule::kind).containsExactly(Policy.Kind.SIGNOFFS,
                Policy.Kind.CLEAN_VERIFICATION_FOR, Policy.Kind.VERIFIED_WITHIN, Policy.Kind.ROLLBACK_TRIGGER);
        assertThat(policy.rules().get(0).roles()).containsExactly("engineering", "finance");
        assertThat(policy.rules().get(0).why()).contains("2026-03 payments outage postmortem");
        assertThat(policy.rules().get(1).duration()).contains(Duration.ofHours(24));
        assertThat(policy.signoffRoles()).containsExactly("engineering", "finance");
    }

    @Test
    void aRuleRequiresExactlyOneThing() throws Exception {
        Path two = Files.writeString(dir.resolve("two.yaml"), """
                policy: acme
                rules:
                  - name: muddled
                    verified-within: 2h
                    rollback-trigger: required
                """);
        Path none = Files.writeString(dir.resolve("none.yaml"), "policy: acme\nrules:\n  - name: empty\n");

        assertThatThrownBy(() -> PolicyLoader.load(two)).isInstanceOf(PlanException.class)
                .hasMessageContaining("this one has verified-within and rollback-trigger: split it");
        assertThatThrownBy(() -> PolicyLoader.load(none)).isInstanceOf(PlanException.class)
                .hasMessageContaining("this one has none");
    }

    @Test
    void badFilesSayWhatIsWrongWithThem() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty.yaml"), "  \n");
        Path unknown = Files.writeString(dir.resolve("unknown.yaml"), "policy: acme\nrules:\n  - name: x\n"
                + "    signoffs: [finance]\n    approvers: 2\n");
        Path twice = Files.writeString(dir.resolve("twice.yaml"), "policy: acme\nrules:\n  - name: x\n"
                + "    signoffs: [finance]\n  - name: x\n    verified-within: 1h\n");

        assertThatThrownBy(() -> PolicyLoader.load(empty)).hasMessageContaining("the policy file is empty");
        assertThatThrownBy(() -> PolicyLoader.load(unknown)).hasMessageContaining("unknown field 'approvers'");
        assertThatThrownBy(() -> PolicyLoader.load(twice)).hasMessageContaining("x is used twice");
        assertThatThrownBy(() -> PolicyLoader.load(dir.resolve("missing.yaml"))).isInstanceOf(PlanException.class);
    }

    @Test
    void isFoundByOptionThenVariableThenNextToThePlan() throws Exception {
        Path beside = Files.writeString(dir.resolve(PolicyLoader.DEFAULT_FILE), "policy: beside\nrules:\n"
                + "  - name: r\n    verified-within: 1h\n");
        Path named = Files.writeString(dir.resolve("named.yaml"), "policy: named\nrules:\n"
                + "  - name: r\n    verified-within: 1h\n");
        Path elsewhere = Files.createDirectories(dir.resolve("elsewhere"));
        Plan plan = planIn(dir);

        assertThat(PolicyLoader.find(plan, Optional.of(named), Map.of()).map(Policy::name)).contains("named");
        assertThat(PolicyLoader.find(plan, Optional.empty(), Map.of(PolicyLoader.VARIABLE, named.toString()))
                .map(Policy::name)).contains("named");
        assertThat(PolicyLoader.find(plan, Optional.empty(), Map.of()).map(Policy::name)).contains("beside");
        assertThat(PolicyLoader.find(planIn(elsewhere), Optional.empty(), Map.of())).isEmpty();
        assertThat(beside).exists();
    }

    private static Plan planIn(Path directory) {
        Endpoint db = new Endpoint("jdbc:postgresql://db/shop", "u", Optional.empty(), Optional.empty());
        QualifiedName table = new QualifiedName("public", "t");
        return new Plan(directory.resolve("plan.yaml"), "p", db, db, List.of(new TableSpec(table, table, List.of())),
                new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA), new CopySettings(1, 1_000),
                Optional.empty(), List.of());
    }
}
