package dev.safeshift.postgres;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.regex.Pattern;

/**
 * money values are stored as a count of the currency's smallest unit, but travel as text whose form
 * depends on {@code lc_monetary}: the change stream reads them only in the form {@code $1,234.56}
 * (one currency sign, comma grouping, point decimals), and the target reads them by its own
 * {@code lc_monetary}. Both are checked before anything is created.
 */
final class MoneyFormat {

    private static final String PROBE = "SELECT (-1234567.89)::numeric::money::text, current_setting('lc_monetary')";
    /** The form Debezium's money parser reads exactly: an optional minus, one currency sign, the amount. */
    private static final Pattern READABLE = Pattern.compile("^-?[^0-9\\s,.\\-]1,234,567\\.89$");

    private MoneyFormat() {
    }

    static void checkReadable(Connection source, QualifiedName table) throws SQLException {
        String[] probe = probe(source);
        if (!READABLE.matcher(probe[0]).matches()) {
            throw new SafeshiftException(SafeshiftException.Kind.UNSUPPORTED_TABLE,
                    "the source table " + table + " has money columns, and the source prints money as '" + probe[0]
                            + "' (lc_monetary = " + probe[1] + "); the change stream reads money exactly only in the form "
                            + "'-$1,234,567.89'. Set an lc_monetary with that form and two decimal places for the source "
                            + "database, e.g. ALTER DATABASE ... SET lc_monetary = 'C'; (it changes how money prints, "
                            + "not what is stored), or leave the money columns out.");
        }
    }

    static void checkSame(Connection source, Connection target, TableMove move) throws SQLException {
        String[] from = probe(source);
        String[] to = probe(target);
        if (!from[0].equals(to[0])) {
            throw new SafeshiftException(SafeshiftException.Kind.TARGET_CONFLICT,
                    "the target table " + move.target() + " gets money values, but the target prints money as '" + to[0]
                            + "' (lc_monetary = " + to[1] + ") and the source as '" + from[0] + "' (lc_monetary = "
                            + from[1] + "): the same amount would be read as another. Set the source's lc_monetary for "
                            + "the target database (ALTER DATABASE ... SET lc_monetary = '" + from[1] + "'), then run again.");
        }
    }

    private static String[] probe(Connection connection) throws SQLException {
        return Catalog.rows(connection, PROBE, row -> new String[] {row.getString(1), row.getString(2)}).get(0);
    }
}
