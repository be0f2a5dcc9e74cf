package dev.safeshift.router;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryPatternTest {

    private static String text(String sql) {
        return QueryPattern.of(sql).text();
    }

    // ---- the examples the router's users will see

    @Test
    void whitespaceBetweenTokensIsKeptAsOneSpaceAndAdjacentTokensStayAdjacent() {
        assertThat(text("SELECT * FROM accounts WHERE id = 42")).isEqualTo("select * from accounts where id = ?");
        assertThat(text("select *   from accounts where id=7")).isEqualTo("select * from accounts where id=?");
        // so the two spellings are two patterns, as in pg_stat_statements
        assertThat(QueryPattern.of("SELECT * FROM accounts WHERE id = 42"))
                .isNotEqualTo(QueryPattern.of("select *   from accounts where id=7"))
                .isEqualTo(QueryPattern.of("select\t*\n\n from  accounts   WHERE id = 7"));
    }

    @Test
    void anUpdateKeepsItsShapeAndLosesItsValues() {
        assertThat(text("UPDATE accounts SET balance = balance - 100.50, note = 'it''s' WHERE id = 9"))
                .isEqualTo("update accounts set balance = balance - ?, note = ? where id = ?");
    }

    @Test
    void rowsOfValuesCollapseToOneGroup() {
        assertThat(text("INSERT INTO t (a, b) VALUES (1, 'x'), (2, 'y')")).isEqualTo("insert into t (a, b) values (?+)");
        assertThat(text("INSERT INTO t (a, b) VALUES (1, 'x')")).isEqualTo("insert into t (a, b) values (?+)");
        assertThat(text("insert into t values (?, ?),(?, ?) , ( ?,? )")).isEqualTo("insert into t values (?+)");
    }

    @Test
    void dollarQuotedStringsAreLiterals() {
        assertThat(text("SELECT $tag$ a 'quoted' $tag$, $$x$$")).isEqualTo("select ?, ?");
        assertThat(text("SELECT $a$ $$ inner $$ $b$ $a$ AS body")).isEqualTo("select ? as body");
    }

    @Test
    void quotedNamesAndNamesWithDigitsAreKept() {
        assertThat(text("SELECT \"Col 1\", t2.x FROM \"Sales Ops\".\"order-lines.2026\" t2 WHERE t2.x IN (1,2,3)"))
                .isEqualTo("select \"Col 1\", t2.x from \"Sales Ops\".\"order-lines.2026\" t2 where t2.x in (?+)");
    }

    // ---- literals

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            select 42                          | select ?
            select 1.5, .5, 1., 1e-3, 1E+10    | select ?, ?, ?, ?, ?
            select 0x1F, 0o17, 0b101, 1_000    | select ?, ?, ?, ?
            select 2.5e3 * x                   | select ? * x
            select '5'::int                    | select ?::int
            select x::numeric(10,2)            | select x::numeric(?+)
            select table1.col3 from table1     | select table1.col3 from table1
            select t2.col3 + 1 from t2         | select t2.col3 + ? from t2
            select 1st_quarter from sales      | select ?st_quarter from sales
            select * from t where a=1or b=-2and c=3e2d | select * from t where a=?or b=?and c=?d
            select a[1:2] from t               | select a[?:?] from t
            select '' , 'a''b', 'c\\'          | select ? , ?, ?
            select E'it\\'s', e'a\\\\', E'x''y'  | select ?, ?, ?
            select U&'d\\0061t\\+000061'         | select ?
            select B'0101', x'1F', N'text'     | select ?, ?, ?
            select 'a' 'b'                     | select ? ?
            for i in 1..10 loop                | for i in ?..? loop
            """)
    void literalsBecomePlaceholders(String sql, String pattern) {
        assertThat(text(sql)).isEqualTo(pattern);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '~', textBlock = """
            select * from t where x = -5           | select * from t where x = ?
            select * from t where x=-5             | select * from t where x=?
            select * from t where x in (-1, -2.5)  | select * from t where x in (?+)
            select -5, -.5                         | select ?, ?
            select * from t where x between -2 and -1 | select * from t where x between ? and ?
            select a - 5 from t                    | select a - ? from t
            select a -5 from t                     | select a -? from t
            select (a)-5 from t                    | select (a)-? from t
            select 5 - -3                          | select ? - ?
            select a - - 3                         | select a - - ?
            """)
    void aMinusBeforeANumberBelongsToItWhereItCannotBeASubtraction(String sql, String pattern) {
        assertThat(text(sql)).isEqualTo(pattern);
    }

    @Test
    void parametersAreKeptAsWritten() {
        assertThat(text("SELECT * FROM t WHERE a = $1 AND b = $2 LIMIT 10"))
                .isEqualTo("select * from t where a = $1 and b = $2 limit ?");
        assertThat(text("SELECT * FROM t WHERE a = ? AND b = ?")).isEqualTo("select * from t where a = ? and b = ?");
        // $n parameters are distinct from each other, so a list of them is not a list of placeholders
        assertThat(text("SELECT * FROM t WHERE a IN ($1, $2)")).isEqualTo("select * from t where a in ($1, $2)");
        assertThat(text("SELECT a$b, $1$x FROM t")).isEqualTo("select a$b, $1$x from t");
    }

    // ---- lists

    @Test
    void listsOfPlaceholdersOfAnyLengthShareAPattern() {
        String three = text("SELECT * FROM t WHERE id IN (1, 2, 3)");
        assertThat(three).isEqualTo("select * from t where id in (?+)");
        assertThat(text("SELECT * FROM t WHERE id IN (7)")).isEqualTo(three);
        assertThat(text("SELECT * FROM t WHERE id IN (?)")).isEqualTo(three);
        assertThat(text("SELECT * FROM t WHERE id IN (?, ?, ?, ?)")).isEqualTo(three);
        assertThat(text("SELECT * FROM t WHERE id IN ('a',?,$$b$$ , -4)")).isEqualTo(three);
    }

    @Test
    void listsHoldingAnythingButPlaceholdersAreKept() {
        assertThat(text("SELECT now(), coalesce(a, 1), f((1, 2)) FROM t"))
                .isEqualTo("select now(), coalesce(a, ?), f((?+)) from t");
        assertThat(text("INSERT INTO t VALUES (1, now()), (2, now())"))
                .isEqualTo("insert into t values (?, now()), (?, now())");
        assertThat(text("INSERT INTO t VALUES (1, 2), (3, now()), (4, 5)"))
                .isEqualTo("insert into t values (?+), (?, now()), (?+)");
        assertThat(text("select (?, ), (, ?), (?? )")).isEqualTo("select (?, ), (, ?), (?? )");
        assertThat(text("SELECT (connect)")).isEqualTo("select (connect)");
    }

    // ---- comments, whitespace, case

    @Test
    void commentsAreRemovedAndCountAsWhitespace() {
        assertThat(text("SELECT /* outer /* inner */ still outer */ 1 -- the end\nFROM t -- bye"))
                .isEqualTo("select ? from t");
        assertThat(text("SELECT a/**/FROM t")).isEqualTo("select a from t");
        assertThat(text("SELECT 1 /* never closed; 'secret'")).isEqualTo("select ?");
        assertThat(text("SELECT 1 /* /* one closed */ of two; 42")).isEqualTo("select ?");
        assertThat(text("SELECT '--', \"/*\" FROM t")).isEqualTo("select ?, \"/*\" from t");
    }

    @Test
    void surroundingWhitespaceAndTrailingSemicolonsAreRemoved() {
        assertThat(text(" \t\n SELECT 1 ; \n")).isEqualTo("select ?");
        assertThat(text("SELECT 1;;")).isEqualTo("select ?");
        assertThat(text("SELECT 1; SELECT 2;")).isEqualTo("select ?; select ?");
        assertThat(text("\uFEFFSELECT\u00A01")).isEqualTo("select ?");
    }

    @Test
    void unquotedWordsAreLowerCasedAndQuotedNamesKeptExactly() {
        assertThat(QueryPattern.of("SELECT Name FROM Users")).isEqualTo(QueryPattern.of("select name from users"));
        assertThat(text("SELECT \"it's -- Col 1\", \"a\"\"b\" FROM \"T1\""))
                .isEqualTo("select \"it's -- Col 1\", \"a\"\"b\" from \"T1\"");
        assertThat(text("SELECT `a1`, `Col B`, `x``y` FROM `T2`")).isEqualTo("select `a1`, `Col B`, `x``y` from `T2`");
        assertThat(text("SELECT U&\"d\\0061t\" FROM t")).isEqualTo("select u&\"d\\0061t\" from t");
    }

    @Test
    void onlyAsciiLettersAreLowerCasedAsInPostgresql() {
        assertThat(text("SELECT ünïcødé, ÄBC, 名前1 FROM Tåble WHERE ünïcødé = 'ü'"))
                .isEqualTo("select ünïcødé, Äbc, 名前1 from tåble where ünïcødé = ?");
        assertThat(text("SELECT 𝒳 FROM t")).isEqualTo("select 𝒳 from t");
    }

    // ---- what must never happen

    @Test
    void noLiteralValueSurvives() {
        String[] statements = {
            "INSERT INTO users (email, card) VALUES ('jane.doe@example.com', '4111 1111 1111 1111')",
            "SELECT * FROM users WHERE card = 4111111111111111 OR card=5500005555555559",
            "SELECT * FROM users WHERE email = E'bob\\'s@example.org' AND phone = -5551234",
            "UPDATE users SET email = $$carol@example.net$$, note = $n$ 'x' $n$ WHERE id = 4111111111111111",
            "SELECT * FROM users WHERE email IN (U&'dave@example.com', N'erin@example.com', 'fay''s@example.com')",
            "SELECT * FROM users WHERE email = 'unterminated@example.com",
            "SELECT * FROM \"users WHERE email = 'oscar@example.com'",
            "SELECT * FROM users WHERE card = 4111.1111e11 AND pin = 0x1111 AND total = 1_111",
            "SELECT * FROM users WHERE card=4111111111111111and pin=-1111or x=5555_5555_x",
        };
        for (String sql : statements) {
            assertThat(text(sql)).as("%s", sql)
                    .doesNotContain("@").doesNotContain("example")
                    .doesNotContain("1111").doesNotContain("5555").doesNotContain("555");
        }
    }

    @Test
    void unterminatedQuotesSwallowTheRestAsOnePlaceholder() {
        assertThat(text("SELECT * FROM t WHERE name = 'O")).isEqualTo("select * from t where name = ?");
        assertThat(text("SELECT * FROM t WHERE name = E'O\\'")).isEqualTo("select * from t where name = ?");
        assertThat(text("SELECT $x$ never closed")).isEqualTo("select ?");
        assertThat(text("SELECT $$")).isEqualTo("select ?");
        assertThat(text("SELECT \"never closed FROM t")).isEqualTo("select ?");
        assertThat(text("SELECT `never closed")).isEqualTo("select ?");
        assertThat(text("SELECT '")).isEqualTo("select ?");
    }

    @Test
    void strayCharactersDoNotBreakAnything() {
        assertThat(text("SELECT $ , $x, a) ), ((b")).isEqualTo("select $ , $x, a) ), ((b");
        assertThat(text("-")).isEqualTo("-");
        assertThat(text("--")).isEmpty();
        assertThat(text("/*")).isEmpty();
        assertThat(text("E")).isEqualTo("e");
        assertThat(text("U&")).isEqualTo("u&");
        assertThat(text("0x")).isEqualTo("?x");
        assertThat(text("1e")).isEqualTo("?e");
        assertThat(text("select 1.foo, 1e5x")).isEqualTo("select ?foo, ?x");
    }

    @Test
    void emptyAndNullGiveTheEmptyPattern() {
        QueryPattern empty = QueryPattern.of("");
        assertThat(empty.text()).isEmpty();
        assertThat(empty.id()).isEqualTo("e3b0c44298fc1c14"); // SHA-256 of nothing
        assertThat(QueryPattern.of(null)).isEqualTo(empty);
        assertThat(QueryPattern.of("  \n ; -- nothing")).isEqualTo(empty);
    }

    @Test
    void randomInputNeverThrowsAndStaysWithinBounds() {
        String alphabet = "'\"`$-/*()?,;:.eExXuU&0123456789 \n\\abc_Ü";
        Random random = new Random(20260101L);
        for (int round = 0; round < 20_000; round++) {
            StringBuilder chars = new StringBuilder();
            int size = random.nextInt(40);
            for (int k = 0; k < size; k++) {
                chars.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            String sql = chars.toString();
            QueryPattern pattern = QueryPattern.of(sql);
            assertThat(pattern.text().length()).as("%s", sql).isLessThanOrEqualTo(QueryPattern.MAX_LENGTH + 1);
            assertThat(pattern.id()).as("%s", sql).matches("[0-9a-f]{16}");
            assertThat(pattern.text()).as("%s", sql).doesNotStartWith(" ").doesNotEndWith(" ");
            if (sql.indexOf('"') < 0 && sql.indexOf('`') < 0) { // quoted names are kept, spaces and all
                assertThat(pattern.text()).as("%s", sql).doesNotContain("  ");
            }
        }
    }

    // ---- size and time

    @Test
    void longTextIsCutAndMarked() {
        StringBuilder sql = new StringBuilder("SELECT c0");
        for (int k = 1; k < 2000; k++) {
            sql.append(", c").append(k);
        }
        String text = text(sql + " FROM t");
        assertThat(text).hasSize(QueryPattern.MAX_LENGTH + 1).startsWith("select c0, c1, c2").endsWith("…");
    }

    @Test
    void aCutNeverSplitsACharacter() {
        String text = text("select " + "a".repeat(QueryPattern.MAX_LENGTH - 8) + "𝒳𝒳𝒳");
        assertThat(text).hasSize(QueryPattern.MAX_LENGTH).endsWith("a…");
    }

    @Test
    void tenMegabytesFinishQuickly() {
        int size = 10 * 1024 * 1024;
        String values = "INSERT INTO t (a, b) VALUES " + "(123456, 'some text'), ".repeat(size / 24) + "(1, 'x')";
        String inList = "SELECT * FROM t WHERE id IN (" + "1234567,".repeat(size / 8) + "1)";
        String unclosed = "SELECT '" + "x".repeat(size);
        String nested = "SELECT " + "(".repeat(size / 2) + "1" + ")".repeat(size / 2);
        String identifiers = "SELECT " + "col_1 + ".repeat(size / 8) + "1";
        String comments = "SELECT 1 " + "/* a /* b */ */ -- c\n".repeat(size / 22);
        String dollars = "SELECT " + "$a ".repeat(size / 3);
        assertTimeoutPreemptively(Duration.ofSeconds(10), () -> {
            assertThat(text(values)).isEqualTo("insert into t (a, b) values (?+)");
            assertThat(text(inList)).isEqualTo("select * from t where id in (?+)");
            assertThat(text(unclosed)).isEqualTo("select ?");
            assertThat(text(nested)).startsWith("select ((((").endsWith("…");
            assertThat(text(identifiers)).startsWith("select col_1 + col_1").hasSize(QueryPattern.MAX_LENGTH + 1);
            assertThat(text(comments)).isEqualTo("select ?");
            assertThat(text(dollars)).startsWith("select $a $a").endsWith("…");
        });
    }

    // ---- the id

    @Test
    void theIdIsTheStartOfTheSha256OfTheText() {
        QueryPattern pattern = QueryPattern.of("SELECT * FROM accounts WHERE id = 42");
        // a fixed value: ids are stored and compared across runs and JVMs
        assertThat(pattern.id()).isEqualTo("d86aa476ad2bc721").matches("[0-9a-f]{16}");
        assertThat(QueryPattern.of("select * from accounts\nwhere id = 7").id()).isEqualTo(pattern.id());
        assertThat(QueryPattern.of("select * from accounts where id=7").id()).isNotEqualTo(pattern.id());
        assertThat(QueryPattern.of(pattern.text())).isEqualTo(pattern);
    }

    @Test
    void aPatternIsAlwaysWellFormed() {
        assertThatThrownBy(() -> new QueryPattern(null, "e3b0c44298fc1c14")).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new QueryPattern("", null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> new QueryPattern("", "E3B0C44298FC1C14")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new QueryPattern("", "e3b0c4")).isInstanceOf(IllegalArgumentException.class);
    }
}
