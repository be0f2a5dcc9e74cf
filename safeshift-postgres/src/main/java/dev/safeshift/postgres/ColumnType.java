package dev.safeshift.postgres;

import java.util.Optional;

/**
 * What verification needs to know of a column's type, as one side's catalog describes it. Domains
 * are resolved to their base type, so a domain is hashed and printed like the type it is over.
 *
 * @param declared  the type as declared, {@code format_type} of the column (e.g. {@code numeric(12,2)},
 *                  {@code my_domain}, {@code text[]}); two sides agree on a column when this agrees
 * @param domain    whether {@code declared} is a domain over {@code baseSql}
 * @param base      the base type's name in the catalog ({@code int8}, {@code numeric}, {@code _int4}, ...)
 * @param builtin   whether the base type is PostgreSQL's own (schema pg_catalog), not an extension's or a user's
 * @param baseSql   the base type with its modifier, for explicit casts (e.g. {@code numeric(12,2)})
 * @param typmod    the base type's modifier, -1 when it has none (an unconstrained numeric)
 * @param typtype   the base type's kind: b(ase), c(omposite), e(num), r(ange), m(ultirange), p(seudo)
 * @param element   for an array type, its element type
 * @param collation the column's collation, for collatable types
 */
record ColumnType(
        String name,
        String declared,
        boolean notNull,
        boolean domain,
        String base,
        boolean builtin,
        String baseSql,
        int typmod,
        char typtype,
        Optional<Element> element,
        Optional<Collation> collation) {

    /**
     * The element type of an array.
     *
     * @param fixedOid whether the element type has an OID below 10,000: PostgreSQL assigns those
     *                 in its source, so they are the same in every installation and version, and a
     *                 binary array (which names its element type by OID) reads the same on both sides
     */
    record Element(String name, boolean fixedOid, char typtype) {
    }

    /**
     * A collation as it orders text.
     *
     * @param sqlName       the qualified, quoted name to write after COLLATE
     * @param deterministic whether equal strings are exactly the equal byte strings
     * @param identity      provider, locales and the library's actual version: two collations with the
     *                      same identity order text alike
     */
    record Collation(String sqlName, boolean deterministic, String identity) {
    }

    /** The column's name, quoted. */
    String ref() {
        return Sql.ident(name);
    }

    boolean builtin(String typeName) {
        return builtin && base.equals(typeName);
    }
}
