package dev.safeshift.postgres.check;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Every rule of the static lock rules, grouped as docs/lock-rules.md lists them. */
public final class RuleCatalog {

    /** A group of rules about one kind of statement. */
    public record Family(String title, List<Rule> rules) {

        public Family {
            rules = List.copyOf(rules);
        }
    }

    private static final List<Family> FAMILIES = List.of(
            new Family("Columns", ColumnRules.rules()),
            new Family("Constraints", ConstraintRules.rules()),
            new Family("Indexes", IndexRules.rules()),
            new Family("Tables, partitions and other objects", concat(AlterTableRules.rules(), TableRules.rules())),
            new Family("Types and domains", TypeRules.rules()),
            new Family("Maintenance and explicit locks", MaintenanceRules.rules()),
            new Family("Data changes", DmlRules.rules()),
            new Family("Transactions and timeouts", TransactionRules.rules()),
            new Family("What the rules cannot read", StatementRules.rules()));

    private RuleCatalog() {
    }

    public static List<Family> families() {
        return FAMILIES;
    }

    public static List<Rule> all() {
        List<Rule> all = new ArrayList<>();
        FAMILIES.forEach(f -> all.addAll(f.rules()));
        return all;
    }

    public static Optional<Rule> byId(String id) {
        return all().stream().filter(r -> r.id().equals(id)).findFirst();
    }

    private static List<Rule> concat(List<Rule> a, List<Rule> b) {
        List<Rule> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
