package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import dev.safeshift.postgres.parse.ParserServer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The names of the relations an analysed query refers to. The parser server analyses INSERT,
 * UPDATE, DELETE and MERGE against the tables defined on it, and the tree names a table only by
 * its OID there (and by its alias, which may differ from its name); this maps the OID back to the
 * table's name, which is the source's name because the tables were defined from the source.
 */
@FunctionalInterface
public interface ParsedRelations {

    /** The relation with this OID on the parser server. */
    Optional<QualifiedName> name(long oid);

    /** No names known: the rules fall back to the name a query writes for an unaliased table. */
    static ParsedRelations none() {
        return oid -> Optional.empty();
    }

    /** Names looked up in the parser server's catalog, each OID once. */
    static ParsedRelations of(ParserServer parser) {
        Map<Long, Optional<QualifiedName>> names = new HashMap<>();
        return oid -> names.computeIfAbsent(oid, o -> {
            try (Connection admin = parser.admin();
                 PreparedStatement statement = admin.prepareStatement("SELECT n.nspname, c.relname FROM pg_class c "
                         + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?")) {
                statement.setLong(1, o);
                try (ResultSet rows = statement.executeQuery()) {
                    return rows.next() ? Optional.of(new QualifiedName(rows.getString(1), rows.getString(2)))
                            : Optional.empty();
                }
            } catch (SQLException e) {
                throw new IllegalStateException("could not read a table name from the PostgreSQL server Safeshift "
                        + "parses SQL with: " + e.getMessage(), e);
            }
        });
    }
}
