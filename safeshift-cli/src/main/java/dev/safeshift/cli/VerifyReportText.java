package dev.safeshift.cli;

import dev.safeshift.verify.RowDifference;
import dev.safeshift.verify.SamplePromise;
import dev.safeshift.verify.TableVerdict;
import dev.safeshift.verify.VerificationReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A verification report as a terminal reads it: a summary table, then differing rows side by side. */
final class VerifyReportText {

    private static final List<String> HEADER = List.of("table", "rows (source)", "rows (target)", "chunks", "checked",
            "matched", "mismatched", "missing in target", "extra in target", "differing", "duration", "rows/s");

    private final int shownPerTable;

    VerifyReportText(int shownPerTable) {
        this.shownPerTable = shownPerTable;
    }

    String render(VerificationReport report) {
        StringBuilder out = new StringBuilder();
        out.append("Verification of ").append(report.migration()).append(" (")
                .append(report.scope().isFull() ? "full" : percent(report.scope().samplePercent().getAsDouble())
                        + " sample, seed " + report.scope().seed())
                .append("): ").append(verdict(report)).append(" in ").append(seconds(report.duration().toNanos()))
                .append('\n').append('\n');
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (TableVerdict table : report.tables()) {
            rows.add(List.of(table.table(), number(table.sourceRows()), number(table.targetRows()),
                    number(table.chunks()), number(table.chunksChecked()), number(table.chunksMatched()),
                    number(table.chunksMismatched()), number(table.missingInTarget()), number(table.extraInTarget()),
                    number(table.differing()), seconds(table.duration().toNanos()),
                    number(Math.round(table.rowsPerSecond()))));
        }
        out.append(Columns.render(rows));
        if (!report.scope().isFull()) {
            out.append("(a sample counts the rows of the chunks it checked)\n");
        }
        out.append("(mismatched chunks include changes in flight; only rows that still differed after re-checking "
                + "against the change stream are counted as missing, extra or differing)\n");
        report.promise().ifPresent(promise -> out.append('\n').append(promise(promise, report)));
        for (TableVerdict table : report.tables()) {
            appendDifferences(out, table);
        }
        if (!report.notes().isEmpty()) {
            out.append('\n');
            report.notes().forEach(note -> out.append("Note: ").append(note).append('\n'));
        }
        return out.toString().stripTrailing();
    }

    private static String verdict(VerificationReport report) {
        if (report.clean()) {
            return "CLEAN";
        }
        boolean differences = report.tables().stream().anyMatch(TableVerdict::differs);
        return differences ? "DIFFERENCES FOUND" : "UNDECIDED";
    }

    private static String promise(SamplePromise promise, VerificationReport report) {
        // a sample's counts cover the chunks it read; the table's size follows from their share of it
        long sampled = report.tables().stream().mapToLong(TableVerdict::rowsChecked).sum();
        long rows = promise.rowsFraction() > 0 ? Math.round(sampled / promise.rowsFraction()) : 0;
        long scattered = Math.round(promise.scatteredFraction() * rows);
        return "Sample: " + promise.chunksSampled() + " of " + promise.chunks() + " chunks, "
                + percent(100 * promise.rowsFraction()) + " of the rows. With probability "
                + percent(100 * promise.confidence()) + " it would have caught a difference touching at least "
                + percent(100 * promise.clusteredFraction()) + " of the rows even if they sit together, and "
                + number(scattered) + " or more differing rows (" + percent(100 * promise.scatteredFraction())
                + ") spread over the table.\n";
    }

    private void appendDifferences(StringBuilder out, TableVerdict table) {
        if (!table.columnDifferences().isEmpty()) {
            out.append('\n').append("Columns that differ in ").append(table.table()).append(":\n");
            table.columnDifferences().forEach(column -> out.append("  ").append(column.describe()).append('\n'));
        }
        if (!table.differences().isEmpty()) {
            out.append('\n').append("Differences in ").append(table.table()).append(":\n");
            for (RowDifference difference : table.differences().subList(0, Math.min(shownPerTable, table.differences().size()))) {
                out.append("  ").append(kind(difference.kind())).append("  key ").append(String.join(", ", difference.key()))
                        .append('\n');
                List<List<String>> rows = new ArrayList<>();
                rows.add(List.of("    column", "source", "target", ""));
                for (int i = 0; i < difference.columns().size(); i++) {
                    String column = difference.columns().get(i);
                    String source = value(difference.sourceRow().orElse(null), i);
                    String target = value(difference.targetRow().orElse(null), i);
                    rows.add(List.of("    " + column, source, target,
                            difference.differingColumns().contains(column) ? "<-" : ""));
                }
                out.append(Columns.render(rows));
            }
            int hidden = table.differences().size() - shownPerTable;
            if (hidden > 0) {
                out.append("  ... and ").append(number(hidden)).append(" more (use --show or --json to see them)\n");
            }
        }
        if (!table.unsettledKeys().isEmpty()) {
            out.append('\n').append("Undecided in ").append(table.table()).append(" (changed during every re-check): ")
                    .append(String.join("; ", table.unsettledKeys().stream()
                            .limit(shownPerTable).map(k -> String.join(", ", k)).toList()))
                    .append(table.unsettledKeys().size() > shownPerTable ? "; ..." : "").append('\n');
        }
    }

    private static String kind(RowDifference.Kind kind) {
        return switch (kind) {
            case MISSING_IN_TARGET -> "missing in target";
            case EXTRA_IN_TARGET -> "extra in target";
            case DIFFERENT -> "differs";
        };
    }

    private static String value(List<String> row, int column) {
        if (row == null) {
            return "(no row)";
        }
        String text = row.get(column);
        if (text == null) {
            return "NULL";
        }
        String shown = text.isEmpty() ? "''" : text;
        return shown.length() > 60 ? shown.substring(0, 57) + "..." : shown;
    }

    static String number(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }

    private static String percent(double value) {
        if (value >= 1) {
            return String.format(Locale.ROOT, "%.1f%%", value).replace(".0%", "%");
        }
        return String.format(Locale.ROOT, "%.4g%%", value);
    }

    private static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }

    /** Left-aligned text columns separated by two spaces. */
    static final class Columns {
        private Columns() {
        }

        static String render(List<List<String>> rows) {
            int[] widths = new int[rows.get(0).size()];
            for (List<String> row : rows) {
                for (int i = 0; i < row.size(); i++) {
                    widths[i] = Math.max(widths[i], row.get(i).length());
                }
            }
            StringBuilder out = new StringBuilder();
            for (List<String> row : rows) {
                StringBuilder line = new StringBuilder();
                for (int i = 0; i < row.size(); i++) {
                    line.append(i == 0 ? "" : "  ").append(String.format("%-" + Math.max(1, widths[i]) + "s", row.get(i)));
                }
                out.append(line.toString().stripTrailing()).append('\n');
            }
            return out.toString();
        }
    }
}
