package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DebeziumNamesTest {

    @Test
    void namesOutsideAsciiArriveAsOneSignExtendedCharPerUtf8Byte() {
        assertThat(DebeziumNames.relation("plain_name")).isEqualTo("plain_name");
        assertThat(DebeziumNames.relation("é")).isEqualTo("\uFFC3\uFFA9");
        assertThat(DebeziumNames.column("ü x")).isEqualTo("\uFFC3\uFFBC x");
    }

    @Test
    void columnNamesInMatchingQuotesLoseThemAndTheirDoubling() {
        assertThat(DebeziumNames.column("\"quoted\"")).isEqualTo("quoted");
        assertThat(DebeziumNames.column("'a''b'")).isEqualTo("a'b");
        assertThat(DebeziumNames.column("`x`")).isEqualTo("x");
        assertThat(DebeziumNames.column("quo\"te")).isEqualTo("quo\"te");
        assertThat(DebeziumNames.column("\"")).isEqualTo("\"");
        assertThat(DebeziumNames.relation("\"kept\"")).isEqualTo("\"kept\"");
    }

    @Test
    void collisionsAreNamesEqualOnceReadAndLowerCased() {
        assertThat(DebeziumNames.caseCollisions(List.of("id", "A", "a", "\"b\"", "B", "c"))).containsExactly(
                List.of("A", "a"), List.of("\"b\"", "B"));
        assertThat(DebeziumNames.caseCollisions(List.of("id", "Ab", "a b", "ä", "Ä"))).isEmpty();
    }
}
