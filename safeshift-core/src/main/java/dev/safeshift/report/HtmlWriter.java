package dev.safeshift.report;

import java.util.List;
import java.util.Locale;

/**
 * Writes a {@link ReportDocument} as one self-contained HTML page: the style is inline, nothing
 * is fetched, and it prints on paper as it shows on screen. Every text is escaped.
 */
public final class HtmlWriter {

    private static final String STYLE = """
            body { font: 15px/1.45 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem; color: #1b1f24; }
            h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 1px solid #d0d7de; padding-bottom: .2rem; margin-top: 2rem; }
            table { border-collapse: collapse; width: 100%; margin: .5rem 0; } th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; text-align: left; vertical-align: top; }
            th { background: #f6f8fa; } pre { background: #f6f8fa; padding: .5rem .75rem; overflow-x: auto; }
            td.verdict-pass { color: #116329; font-weight: 600; } td.verdict-fail { color: #a40e26; font-weight: 600; } td.verdict-unknown { color: #7d4e00; font-weight: 600; }
            @media print { body { margin: 0; max-width: none; } section { break-inside: avoid-page; } pre { white-space: pre-wrap; } }
            """;

    private HtmlWriter() {
    }

    public static String write(ReportDocument document) {
        StringBuilder out = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(escape(document.title())).append("</title>\n<style>\n").append(STYLE).append("</style>\n</head>\n"
                + "<body>\n<h1>").append(escape(document.title())).append("</h1>\n");
        for (ReportDocument.Section section : document.sections()) {
            out.append("<section id=\"").append(escape(section.id())).append("\">\n<h2>").append(escape(section.title()))
                    .append("</h2>\n");
            for (ReportDocument.Block block : section.blocks()) {
                if (block instanceof ReportDocument.Paragraph paragraph) {
                    out.append("<p>").append(escape(paragraph.text())).append("</p>\n");
                } else if (block instanceof ReportDocument.Bullets bullets) {
                    out.append("<ul>\n");
                    bullets.items().forEach(item -> out.append("<li>").append(escape(item)).append("</li>\n"));
                    out.append("</ul>\n");
                } else if (block instanceof ReportDocument.Command command) {
                    out.append("<pre><code>").append(escape(command.text())).append("</code></pre>\n");
                } else if (block instanceof ReportDocument.Table table) {
                    table(out, table);
                }
            }
            out.append("</section>\n");
        }
        return out.append("</body>\n</html>\n").toString();
    }

    private static void table(StringBuilder out, ReportDocument.Table table) {
        out.append("<table id=\"").append(escape(table.id())).append("\">\n<thead><tr>");
        table.headers().forEach(header -> out.append("<th>").append(escape(header)).append("</th>"));
        out.append("</tr></thead>\n<tbody>\n");
        int verdictColumn = table.headers().indexOf("Verdict");
        for (List<String> row : table.rows()) {
            out.append("<tr>");
            for (int i = 0; i < row.size(); i++) {
                String cell = row.get(i);
                out.append(i == verdictColumn ? "<td class=\"verdict-" + escape(cell.toLowerCase(Locale.ROOT)) + "\">" : "<td>")
                        .append(escape(cell)).append("</td>");
            }
            out.append("</tr>\n");
        }
        out.append("</tbody>\n</table>\n");
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
