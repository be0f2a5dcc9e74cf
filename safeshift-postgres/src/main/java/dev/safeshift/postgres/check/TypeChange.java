package dev.safeshift.postgres.check;

import dev.safeshift.postgres.parse.PgNode;
import java.util.Optional;

/**
 * What ALTER COLUMN ... TYPE costs for one column. PostgreSQL rewrites the table unless every
 * stored value is already a valid value of the new type: the same base type with a modifier that
 * only widens (varchar(10) to varchar(20), numeric(10,2) to numeric(12,2), timestamp(3) to
 * timestamp(6), any length limit dropped), or a binary-coercible cast to an unconstrained type
 * (varchar to text, cidr to inet). A domain with constraints checks every value, which rewrites
 * too. When the table is not rewritten, an index on the column is kept as it is unless its
 * collation changes, which rebuilds it (tablecmds.c ATColumnChangeRequiresRewrite and
 * TryReuseIndex; verified against PostgreSQL 15).
 *
 * @param work   CATALOG_ONLY, INDEX_BUILD or REWRITE
 * @param reason why, in words
 * @param narrows whether values that exist may no longer fit, so the statement can fail
 */
record TypeChange(Work work, String reason, boolean narrows) {

    static TypeChange of(SchemaFacts.Column column, PgNode columnDef, Review review, boolean indexed) {
        PgNode typeNode = columnDef.node("typeName").orElseThrow();
        TypeName target = TypeName.of(typeNode);
        Optional<PgNode> using = columnDef.node("raw_default");
        if (using.isPresent() && !isColumn(using.get(), column.name())) {
            return new TypeChange(Work.REWRITE, "the USING expression is computed for every row", true);
        }
        if (target.array()) {
            return new TypeChange(Work.REWRITE, "the column becomes an array type", true);
        }
        Optional<SchemaFacts.Type> resolved = review.facts.type(target.names());
        if (resolved.isEmpty()) {
            return new TypeChange(Work.REWRITE, "the type " + target + " is not on the source, so a rewrite is assumed",
                    true);
        }
        TypeChange change = valuesChange(column, resolved.get(), target, review.facts);
        Optional<String> collation = columnDef.node("collClause").map(c -> String.join(".", c.texts("collname")));
        boolean collationChanges = collation.isPresent() && !collation.equals(column.collation());
        if (change.work == Work.CATALOG_ONLY && collationChanges && indexed) {
            return new TypeChange(Work.INDEX_BUILD, change.reason + ", but the collation changes, so the indexes on "
                    + "the column are rebuilt", false);
        }
        return change;
    }

    private static TypeChange valuesChange(SchemaFacts.Column column, SchemaFacts.Type target, TypeName written,
                                          SchemaFacts facts) {
        String from = column.displayType();
        if (target.domain() && target.domainHasConstraints()) {
            return new TypeChange(Work.REWRITE, "the domain " + target.name() + " has constraints that every value "
                    + "is checked against, which rewrites the table", true);
        }
        SchemaFacts.Type source = column.type();
        int sourceTypmod = column.typmod() >= 0 ? column.typmod() : source.baseTypmod();
        Optional<Integer> targetTypmod = target.domain() ? Optional.of(target.baseTypmod())
                : written.typmod(target.baseName());
        if (source.baseOid() == target.baseOid()) {
            if (targetTypmod.isPresent() && widens(target.baseName(), sourceTypmod, targetTypmod.get())) {
                return new TypeChange(Work.CATALOG_ONLY, from + " to " + written + " keeps every stored value as it is",
                        false);
            }
            return new TypeChange(Work.REWRITE, from + " to " + written + " converts or checks every value", true);
        }
        if (target.baseName().equals("timestamptz") && source.baseName().equals("timestamp")) {
            return new TypeChange(Work.REWRITE, from + " to " + written + " converts every value (PostgreSQL 12 and "
                    + "later skip the rewrite only while the session's TimeZone is UTC)", false);
        }
        if (targetTypmod.orElse(0) == -1 && facts.binaryCoercible(source.baseOid(), target.baseOid())) {
            return new TypeChange(Work.CATALOG_ONLY, from + " to " + written + " is binary coercible: stored values stay",
                    false);
        }
        return new TypeChange(Work.REWRITE, from + " to " + written + " converts every value", true);
    }

    /** Whether going from one modifier to another of the same base type leaves stored values valid. */
    private static boolean widens(String base, int from, int to) {
        if (from == to || to == -1) {
            return true;
        }
        if (from == -1) {
            return false;
        }
        return switch (base) {
            case "varchar", "varbit" -> to >= from;
            case "numeric" -> ((from - 4) & 0x7ff) == ((to - 4) & 0x7ff) && ((to - 4) >> 16) >= ((from - 4) >> 16);
            case "timestamp", "timestamptz", "time", "timetz" -> to >= from;
            default -> false;
        };
    }

    private static boolean isColumn(PgNode expression, String column) {
        return expression.is("COLUMNREF") && expression.texts("fields").equals(java.util.List.of(column));
    }
}
