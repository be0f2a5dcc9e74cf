package dev.safeshift.postgres.check.trace;

import java.util.List;

/**
 * A whole trace: what each statement did, and on which PostgreSQL, since locks and rewrites differ
 * between versions.
 *
 * @param serverVersionNum the scratch server's {@code server_version_num}, e.g. 150004
 * @param statements       one entry per statement, in the order given
 */
public record TraceReport(int serverVersionNum, List<TracedStatement> statements) {

    public TraceReport {
        statements = List.copyOf(statements);
    }
}
