package dev.safeshift.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.safeshift.verify.Scope;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A stored verification without its row data: what was checked and the totals over all tables.
 *
 * @param startedAt  when the verification started, by the verifier's clock
 * @param finishedAt when it finished, by the verifier's clock
 * @param recordedAt when the store recorded it, by the store's clock; status measures ages from this
 * @param scope      what was checked; a full verification is {@link Scope#full()} whatever seed it ran with
 * @param unsettled  keys that kept changing during every re-check, so no verdict was reached on them
 */
public record VerificationSummary(
        long id,
        long migrationId,
        Instant startedAt,
        Instant finishedAt,
        Instant recordedAt,
        Scope scope,
        boolean clean,
        long rowsChecked,
        long chunksChecked,
        long chunksMismatched,
        long missingInTarget,
        long extraInTarget,
        long differing,
        long unsettled) {

    public VerificationSummary {
        Objects.requireNonNull(scope, "scope");
    }

    /** The totals of {@code report}, as the store keeps them. */
    static VerificationSummary of(long id, long migrationId, Instant recordedAt, VerificationReport report) {
        long rows = 0;
        long checked = 0;
        long mismatched = 0;
        long missing = 0;
        long extra = 0;
        long differing = 0;
        long unsettled = 0;
        for (TableVerdict table : report.tables()) {
            rows += table.rowsChecked();
            checked += table.chunksChecked();
            mismatched += table.chunksMismatched();
            missing += table.missingInTarget();
            extra += table.extraInTarget();
            differing += table.differing();
            unsettled += table.unsettledKeys().size();
        }
        Scope scope = report.scope().isFull() ? Scope.full() : report.scope();
        return new VerificationSummary(id, migrationId, report.startedAt(), report.finishedAt(), recordedAt, scope,
                report.clean(), rows, checked, mismatched, missing, extra, differing, unsettled);
    }

    /** Rows missing in the target, extra in the target or different: every row that still differs. */
    public long differences() {
        return missingInTarget + extraInTarget + differing;
    }

    /**
     * Adds the counts, from {@code rowsChecked} to {@code unsettled}, to a JSON object: status and
     * the timeline show a verification with the same field names.
     */
    ObjectNode putCounts(ObjectNode node) {
        return node.put("rowsChecked", rowsChecked)
                .put("chunksChecked", chunksChecked)
                .put("chunksMismatched", chunksMismatched)
                .put("missingInTarget", missingInTarget)
                .put("extraInTarget", extraInTarget)
                .put("differing", differing)
                .put("unsettled", unsettled);
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }
}
