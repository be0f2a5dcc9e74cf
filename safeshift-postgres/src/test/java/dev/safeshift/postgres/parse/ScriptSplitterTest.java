package dev.safeshift.postgres.parse;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ScriptSplitterTest {

    @Test
    void commentsAndBlankSpaceAreNoStatement() {
        assertThat(ScriptSplitter.onlyComments("  -- why\n /* a /* nested */ note */\n\t")).isTrue();
        assertThat(ScriptSplitter.onlyComments("")).isTrue();
    }

    @Test
    void anythingElseIsAStatement() {
        assertThat(ScriptSplitter.onlyComments("-- why\nALTER TABLE t ADD c int")).isFalse();
        assertThat(ScriptSplitter.onlyComments("/* a */ 'text'")).isFalse();
        assertThat(ScriptSplitter.onlyComments("/* a /* nested */ still a comment */ x")).isFalse();
        assertThat(ScriptSplitter.onlyComments("-/ not a comment")).isFalse();
    }

    @Test
    void splitsAtSemicolonsOutsideQuotesAndNumbersLines() {
        var pieces = ScriptSplitter.split("ALTER TABLE t ADD CHECK (a <> ';');\n\n-- c\nDROP TABLE t;", 5);

        assertThat(pieces).extracting(ScriptSplitter.Piece::line).containsExactly(5, 7);
        assertThat(pieces.get(0).sql()).isEqualTo("ALTER TABLE t ADD CHECK (a <> ';')");
        assertThat(pieces.get(1).sql()).isEqualTo("-- c\nDROP TABLE t");
    }
}
