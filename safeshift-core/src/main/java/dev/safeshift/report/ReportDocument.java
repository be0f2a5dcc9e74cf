package dev.safeshift.report;

import java.util.List;
import java.util.Objects;

/**
 * A report as structure (sections of paragraphs, tables, lists and commands) before it is written
 * as Markdown or HTML, so that both formats say exactly the same.
 *
 * @param title    the document's title
 * @param sections its sections, in order
 */
public record ReportDocument(String title, List<Section> sections) {

    public ReportDocument {
        Objects.requireNonNull(title, "title");
        sections = List.copyOf(sections);
    }

    /**
     * @param id     a stable identifier (the HTML element's id), such as {@code risk-register}
     * @param title  its heading
     * @param blocks its content
     */
    public record Section(String id, String title, List<Block> blocks) {

        public Section {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(title, "title");
            blocks = List.copyOf(blocks);
        }
    }

    /** A piece of a section's content. */
    public sealed interface Block permits Paragraph, Table, Bullets, Command {
    }

    public record Paragraph(String text) implements Block {
    }

    /** A table; {@code id} names it for readers and tests (the HTML table's id). */
    public record Table(String id, List<String> headers, List<List<String>> rows) implements Block {

        public Table {
            headers = List.copyOf(headers);
            rows = rows.stream().map(List::copyOf).toList();
        }
    }

    public record Bullets(List<String> items) implements Block {

        public Bullets {
            items = List.copyOf(items);
        }
    }

    /** A command to type, shown as code. */
    public record Command(String text) implements Block {
    }
}
