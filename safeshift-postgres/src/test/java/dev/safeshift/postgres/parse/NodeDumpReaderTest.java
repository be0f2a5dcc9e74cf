package dev.safeshift.postgres.parse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class NodeDumpReaderTest {

    @Test
    void readsNodesListsQuotedTextsAndAbsentFields() {
        PgNode node = NodeDumpReader.read("{A_EXPR :name (\">\") :lexpr {COLUMNREF :fields (\"a\") :location 41} "
                + ":rexpr {A_CONST :val \"it's;\\ here\" :location 45} :absent <> :ints (i 1 2)}");

        assertThat(node.tag()).isEqualTo("A_EXPR");
        assertThat(node.texts("name")).containsExactly(">");
        assertThat(node.node("lexpr").orElseThrow().texts("fields")).containsExactly("a");
        assertThat(node.node("rexpr").orElseThrow().text("val")).contains("it's; here");
        assertThat(node.value("absent")).isEmpty();
        assertThat(node.list("ints")).containsExactly("i", "1", "2");
    }

    @Test
    void escapedBracketsAndSpacesBelongToTheName() {
        PgNode node = NodeDumpReader.read("{RANGEVAR :relname Zahlungen\\ \\{\\(x\\)\\} :inh true}");

        assertThat(node.text("relname")).contains("Zahlungen {(x)}");
        assertThat(node.flag("inh")).isTrue();
    }

    @Test
    void aLineBreakAtAnEscapedSpaceIsThatSpace() {
        // The server replaces the space after the backslash with its line break.
        PgNode node = NodeDumpReader.read("{RANGEVAR :relname my\\\nname :inh true}");

        assertThat(node.text("relname")).contains("my name");
    }

    @Test
    void aFullWidthLineWithoutSpacesWasCutInsideAWord() {
        String word = "x".repeat(100);
        String printed = "{A_CONST :val\n" + word.substring(0, NodeDumpReader.LINE_WIDTH) + "\n"
                + word.substring(NodeDumpReader.LINE_WIDTH) + " :location 3}";

        assertThat(NodeDumpReader.read(printed).text("val")).contains(word);
    }

    @Test
    void constantsKeepTheirDatumBytes() {
        PgNode node = NodeDumpReader.read("{CONST :consttype 23 :constvalue 4 [ 42 0 0 0 0 0 0 0 ] :location 7}");

        assertThat(node.list("constvalue")).hasSize(2);
        assertThat(node.number("location")).isEqualTo(7);
    }

    @Test
    void somethingElseIsRefusedWithWhereItWent() {
        assertThatThrownBy(() -> NodeDumpReader.read("{QUERY :commandType 6"))
                .hasMessageContaining("expected '}' closing QUERY");
        assertThatThrownBy(() -> NodeDumpReader.read("(1 2)")).hasMessageContaining("expected a node");
    }
}
