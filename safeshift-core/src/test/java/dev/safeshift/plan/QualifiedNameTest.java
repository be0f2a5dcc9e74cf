package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Table and column names are read the way SQL reads them, and written back so they read the same. */
class QualifiedNameTest {

    private static QualifiedName parse(String text) {
        return QualifiedName.parse(text, "public");
    }

    private static SqlNames.SyntaxException refused(String text) {
        return catchThrowableOfType(SqlNames.SyntaxException.class, () -> parse(text));
    }

    @Test
    void quotedPartsKeepDotsSpacesAndCase() {
        assertThat(parse("\"Sales Ops\".\"order-lines.2026\"")).isEqualTo(new QualifiedName("Sales Ops", "order-lines.2026"));
        assertThat(parse("\"a.b\".c")).isEqualTo(new QualifiedName("a.b", "c"));
        assertThat(parse("\" padded \"")).isEqualTo(new QualifiedName("public", " padded "));
    }

    @Test
    void aDoubledQuoteInsideQuotesIsOneQuote() {
        assertThat(parse("\"say \"\"hi\"\"\"")).isEqualTo(new QualifiedName("public", "say \"hi\""));
        assertThat(parse("\"\"\"\"")).isEqualTo(new QualifiedName("public", "\""));
    }

    @Test
    void unquotedNamesFoldOnlyAsciiLettersToLowerCase() {
        assertThat(parse("Sales.Orders")).isEqualTo(new QualifiedName("sales", "orders"));
        assertThat(parse("ÜNÏCØDÉ_Tab")).as("Ü, Ï, Ø and É are not ASCII").isEqualTo(new QualifiedName("public", "ÜnÏcØdÉ_tab"));
        assertThat(parse("ünïcødé")).isEqualTo(new QualifiedName("public", "ünïcødé"));
        assertThat(parse("\"Orders\"")).isEqualTo(new QualifiedName("public", "Orders"));
    }

    @Test
    void unquotedNamesMayHoldDigitsUnderscoresAndDollarsAfterTheFirstLetter() {
        assertThat(parse("_tmp.a$b_2")).isEqualTo(new QualifiedName("_tmp", "a$b_2"));
        assertThat(parse("u\u0308ber")).as("a combining accent").isEqualTo(new QualifiedName("public", "u\u0308ber"));
    }

    @Test
    void blanksAroundTheDotAreIgnoredAsInSql() {
        assertThat(parse("sales . orders")).isEqualTo(new QualifiedName("sales", "orders"));
        assertThat(parse("\"Sales\" .\"Orders\"")).isEqualTo(new QualifiedName("Sales", "Orders"));
    }

    @Test
    void aNameWithoutSchemaIsInTheDefaultSchema() {
        assertThat(QualifiedName.parse("orders", "ops")).isEqualTo(new QualifiedName("ops", "orders"));
    }

    @Test
    void toStringIsPlainForLowerCaseNamesAndQuotedOtherwise() {
        assertThat(new QualifiedName("public", "payments")).hasToString("public.payments");
        assertThat(new QualifiedName("_tmp", "a$b_2")).hasToString("_tmp.a$b_2");
        assertThat(new QualifiedName("public", "Orders")).hasToString("\"public\".\"Orders\"");
        assertThat(new QualifiedName("Sales Ops", "order-lines.2026")).hasToString("\"Sales Ops\".\"order-lines.2026\"");
        assertThat(new QualifiedName("public", "say \"hi\"")).hasToString("\"public\".\"say \"\"hi\"\"\"");
        assertThat(new QualifiedName("public", "ünïcødé")).hasToString("\"public\".\"ünïcødé\"");
        assertThat(new QualifiedName("public", "2026")).hasToString("\"public\".\"2026\"");
    }

    @Test
    void toStringReadsBackAsTheSameName() {
        List<QualifiedName> names = List.of(new QualifiedName("public", "payments"),
                new QualifiedName("Sales Ops", "order-lines.2026"), new QualifiedName("a.b", "c\"d"),
                new QualifiedName("ünïcødé", "ÜNÏCØDÉ"), new QualifiedName("x", " "), new QualifiedName("$", "."));
        for (QualifiedName name : names) {
            assertThat(parse(name.toString())).as(name.toString()).isEqualTo(name);
        }
        // Any characters but NUL, in any order, come back as they were.
        Random random = new Random(7);
        char[] alphabet = "aZ_$. \"'-\t0ü€\u0308\u4e2d".toCharArray();
        for (int i = 0; i < 2_000; i++) {
            QualifiedName name = new QualifiedName(randomText(random, alphabet), randomText(random, alphabet));
            assertThat(parse(name.toString())).as(name.toString()).isEqualTo(name);
        }
    }

    private static String randomText(Random random, char[] alphabet) {
        StringBuilder out = new StringBuilder();
        int length = 1 + random.nextInt(8);
        for (int i = 0; i < length; i++) {
            out.append(alphabet[random.nextInt(alphabet.length)]);
        }
        return out.toString();
    }

    @Test
    void columnNamesFollowTheSameRules() {
        assertThat(SqlNames.parseOne("Amount_Cents", "a column name")).isEqualTo("amount_cents");
        assertThat(SqlNames.parseOne("\"Amount (€)\"", "a column name")).isEqualTo("Amount (€)");
        assertThat(SqlNames.write("amount_cents")).isEqualTo("amount_cents");
        assertThat(SqlNames.write("Amount (€)")).isEqualTo("\"Amount (€)\"");
        assertThat(catchThrowableOfType(SqlNames.SyntaxException.class, () -> SqlNames.parseOne("a.b", "a column name")))
                .hasMessageContaining("it has 2 dot-separated parts, and a column name has at most 1.");
    }

    @Test
    void unbalancedQuoteIsExplained() {
        assertThat(refused("\"Sales Ops.orders")).hasMessage("the double quote at character 1 is never closed. "
                + "End a quoted name with \" and write a quote inside it twice (\"\")");
    }

    @Test
    void emptyNamesAreRefused() {
        assertThat(refused("\"\"")).hasMessageContaining("is an empty quoted name");
        assertThat(refused("")).hasMessage("it is empty");
        assertThat(refused("  ")).hasMessage("it is empty");
        assertThat(refused("sales.")).hasMessage("a name is missing after the dot at character 6");
        assertThat(refused(".orders")).hasMessage("a name is missing before the dot at character 1");
        assertThat(refused("sales..orders")).hasMessage("a name is missing before the dot at character 7");
    }

    @Test
    void threePartsAreRefusedWithHowToQuoteADot() {
        assertThat(refused("Sales Ops.order-lines.2026")).hasMessageStartingWith("it has 3 dot-separated parts, "
                + "and a table name has at most 2 (schema.table). A dot that belongs to a name goes inside double quotes");
    }

    @Test
    void charactersAnUnquotedNameCannotHoldSuggestQuotingIt() {
        SqlNames.SyntaxException e = refused("Sales Ops.orders");
        assertThat(e).hasMessage("in Sales Ops, a space cannot appear in an unquoted name, which holds only letters, "
                + "digits, _ and $. Put the name in double quotes to keep it exactly as written: \"Sales Ops\"");
        assertThat(e.suggestion()).contains("\"Sales Ops\".orders");
        assertThat(refused("sales.order-lines").suggestion()).contains("sales.\"order-lines\"");
        assertThat(refused("2026_orders")).hasMessageContaining("an unquoted name starts with a letter or _, not '2'");
        assertThat(refused("$orders")).hasMessageContaining("not '$'");
    }

    @Test
    void textAfterAClosingQuoteIsRefused() {
        assertThat(refused("\"Sales\"Ops.orders")).hasMessageStartingWith("after the quoted name \"Sales\" comes 'O' "
                + "(character 8)");
        assertThat(refused("sal\"es\"")).hasMessageStartingWith("a double quote (character 4) cannot appear inside an "
                + "unquoted name");
    }

    @Test
    void aNulCharacterIsRefusedEvenInQuotes() {
        assertThat(refused("\"a\0b\"")).hasMessageContaining("U+0000");
    }
}
