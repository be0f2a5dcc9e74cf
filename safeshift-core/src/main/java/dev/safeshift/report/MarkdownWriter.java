package dev.safeshift.report;

import java.util.List;

/** Writes a {@link ReportDocument} as GitHub-flavoured Markdown. */
public final class MarkdownWriter {

    private MarkdownWriter() {
    }

    public static String write(ReportDocument document) {
        StringBuilder out = new StringBuilder("# ").append(line(document.title())).append("\n");
        for (ReportDocument.Section section : document.sections()) {
            out.append("\n## ").append(line(section.title())).append("\n");
            for (ReportDocument.Block block : section.blocks()) {
                out.append('\n');
                if (block instanceof ReportDocument.Paragraph paragraph) {
                    out.append(line(paragraph.text())).append('\n');
                } else if (block instanceof ReportDocument.Bullets bullets) {
                    bullets.items().forEach(item -> out.append("- ").append(line(item)).append('\n'));
                } else if (block instanceof ReportDocument.Command command) {
                    out.append("```\n").append(command.text()).append("\n```\n");
                } else if (block instanceof ReportDocument.Table table) {
                    table(out, table);
                }
            }
        }
        return out.toString();
    }

    private static void table(StringBuilder out, ReportDocument.Table table) {
        row(out, table.headers());
        out.append('|').append("---|".repeat(table.headers().size())).append('\n');
        table.rows().forEach(row -> row(out, row));
    }

    private static void row(StringBuilder out, List<String> cells) {
        out.append('|');
        cells.forEach(cell -> out.append(' ').append(line(cell).replace("|", "\\|")).append(" |"));
        out.append('\n');
    }

    /**
     * Text on one line (a line break inside a cell or an item would end it), with the characters
     * that would start HTML escaped: Markdown viewers render raw HTML, and texts here come from
     * plans and databases.
     */
    private static String line(String text) {
        return text.replace("\r", " ").replace("\n", " ").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
