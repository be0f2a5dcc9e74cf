package dev.safeshift.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Damages plan files the ways people, editors and tools damage them, and the ways an attacker
 * would: lines lost, doubled, swapped or shifted, files cut short, stray and invalid bytes,
 * huge values and keys, deep nesting, alias bombs, Java type tags, values of the wrong kind,
 * odd Unicode and unbalanced quotes. Every choice comes from the given {@link Random}, so a seed
 * reproduces a run.
 */
final class PlanMutations {

    private static final String[] VALUES = {
        "123", "-1", "0", "1e309", "0x1F", "0o17", ".inf", "-.inf", ".nan", "true", "false", "null", "~", "''",
        "\"\"", "[]", "{}", "[a, b]", "{a: 1}", "1h", "0s", "3650d", "3651d", "106751991167300d1h",
        "99999999999999999999999999d", "-5m", "1 hour", "5%", "0%", "100%", "1e-400%", "NaN%", "5", "0.05",
        "jdbc:postgresql://h/db", "jdbc:postgresql://h/db?password=x", "postgres://u:p@h/db", "${X}", "${}", "$X",
        "${SOURCE_PGPASSWORD}", "'\"Sales Ops\".\"order-lines.2026\"'", "'\"unbalanced'", "'\"\"'", "a.b.c", "a..b",
        "'\"a\"\"b\".c'", "'\"x\"y'", "Ünïcødé", "ünïcødé.tåble", "a$b", "$a", "2026_orders", "'sales . orders'",
        "\"\\0\"", "\"a\\u0000b\"", "\"\\x1b\"", "\"\\ud800\"", "\"\\U0001F600\"", "'''", "\"", "'", "|", ">-",
        "&a x", "*a", "*undefined", "!!java.lang.Runtime", "!!java.io.File [/etc/passwd]",
        "!!javax.script.ScriptEngineManager [!!java.net.URLClassLoader [[!!java.net.URL [\"http://localhost/\"]]]]",
        "!<tag:yaml.org,2002:java.lang.Object> {}", "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]",
        "!!timestamp 2001-12-14", "!!float 1", "!!int 0x1", "!!str 4", "!!null x", "!custom x", "!!map {}",
        "!!seq []", "? complex", "@reserved", "`backtick", "%", "10GB", "10 GB", "10gb", "1.5GB", "999999999999TB",
        "0kB", "refuse", "replace", "REPLACE", "delete", "\uD83D\uDE42", "\u202Eevil", "a\u2028b", "\uFEFF",
        "x\u0308", "\u4E2D\u6587", "a # comment", "a: b", "- a", "[unclosed", "{unclosed", "]", "}", ",",
        "<<: *base", "x".repeat(1000), "9".repeat(400), "1".repeat(25) + "s",
    };

    private static final String[] KEYS = {
        "name", "source", "target", "tables", "control", "copy", "verify", "retry", "stream", "owners", "url", "user",
        "password", "schema", "columns", "existing-rows", "parallelism", "rows-per-chunk", "every", "sample",
        "give-up-after", "warn-retained-wal", "role", "contact", "<<", "nmae", "Name", "", "\"quoted key\"",
        "[a]", "{a: 1}", "!!binary aGk=", "&k name", "*k", "? name", "- name", "\"\"", "~", "null", "1", "true",
    };

    private static final String[] LINES = {
        "---", "...", "%YAML 1.1", "%TAG ! tag:example.com,2000:", "# comment", "  - source: x", "<<: *base",
        "base: &base {url: x}", "\t", "  ", "- a", ": b", "? c", "copy: {parallelism: 4, parallelism: 5}",
        "tables: *t", "owners: [{name: a, role: b}, {name: a, role: b}]", "verify: {every: 1h, sample: 5}",
        "control: {url: 'jdbc:postgresql://x/y'}", "retry: {give-up-after: 1m}", "stream: {warn-retained-wal: 1TB}",
        "    columns: [id, ID, '\"ID\"']", "    existing-rows: replace", "  - source: '\"Orders\"'", "  - source: orders",
    };

    private static final int[][] BYTES = {
        {0}, {'\t'}, {0xFF}, {0xFE}, {0xC3, 0x28}, {0xE9}, {0xED, 0xA0, 0x80}, {0xEF, 0xBB, 0xBF}, {0x85}, {0x1B},
        {0x7F}, {0xC2, 0x85}, {0xE2, 0x80, 0xA8}, {0xC0, 0x80}, {0xF4, 0x90, 0x80, 0x80}, {'\r'}, {0xC3},
        {0xF0, 0x9F, 0x98}, {0x0B}, {0x0C},
    };

    private final Random random;

    PlanMutations(Random random) {
        this.random = random;
    }

    /** One to three damages to {@code plan}, as the bytes of a file. */
    byte[] mutate(String plan) {
        if (random.nextInt(100) == 0) {
            return pick(new String[] {"", " ", "~", "[]", "- a", "a", "{", "\n\n\n", "#", "---\n---\n", "&a *a"})
                    .getBytes(StandardCharsets.UTF_8);
        }
        List<String> lines = new ArrayList<>(Arrays.asList(plan.split("\n", -1)));
        // Mostly one damage, so that a fair share of plans stays valid and reaches the later checks.
        int roll = random.nextInt(10);
        int count = roll < 6 ? 1 : roll < 9 ? 2 : 3;
        for (int i = 0; i < count; i++) {
            mutateLines(lines);
        }
        String text = String.join(random.nextInt(20) == 0 ? "\r\n" : "\n", lines);
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (random.nextInt(6) == 0) {
            bytes = insertBytes(bytes);
        }
        if (random.nextInt(15) == 0) {
            bytes = Arrays.copyOf(bytes, random.nextInt(bytes.length + 1));
        }
        return bytes;
    }

    private void mutateLines(List<String> lines) {
        if (lines.isEmpty()) {
            lines.add(pick(LINES));
            return;
        }
        int at = random.nextInt(lines.size());
        String line = lines.get(at);
        switch (random.nextInt(16)) {
            case 0 -> lines.remove(at);
            case 1 -> lines.add(at, line);
            case 2 -> {
                int other = random.nextInt(lines.size());
                lines.set(at, lines.get(other));
                lines.set(other, line);
            }
            case 3 -> lines.set(at, reindent(line));
            case 4, 5, 6 -> lines.set(at, withValue(line, pick(VALUES)));
            case 7 -> lines.set(at, withKey(line, random.nextInt(10) == 0 ? longText(1 + random.nextInt(3_000)) : pick(KEYS)));
            case 8 -> lines.add(at, pick(LINES));
            case 9 -> lines.set(at, insertText(line, pick(new String[] {"'", "\"", "\t", ":", "#", "&", "*", "!", "|",
                    ">", "%", "@", "`", "{", "}", "[", "]", ",", "? ", "- ", "\\", "\u2028", "\u0085", "\uFEFF",
                    "\uD83D\uDE42", "\u0308", "\u200B"})));
            case 10 -> lines.set(at, withValue(line, hugeValue()));
            case 11 -> lines.add(at, deepNesting());
            case 12 -> lines.addAll(at, aliasBomb());
            case 13 -> lines.set(at, withValue(line, tableName()));
            case 14 -> lines.addAll(at, manyLines());
            default -> lines.set(at, line.toUpperCase(java.util.Locale.ROOT));
        }
    }

    private String reindent(String line) {
        String stripped = line.stripLeading();
        int indent = line.length() - stripped.length();
        return switch (random.nextInt(4)) {
            case 0 -> " ".repeat(indent + 1 + random.nextInt(4)) + stripped;
            case 1 -> " ".repeat(Math.max(0, indent - 1 - random.nextInt(4))) + stripped;
            case 2 -> "\t" + stripped;
            default -> " ".repeat(random.nextInt(200)) + stripped;
        };
    }

    private static String withValue(String line, String value) {
        int colon = line.indexOf(": ");
        if (colon < 0) {
            return line.endsWith(":") ? line + " " + value : line + value;
        }
        return line.substring(0, colon + 2) + value;
    }

    private static String withKey(String line, String key) {
        String stripped = line.stripLeading();
        String indent = line.substring(0, line.length() - stripped.length());
        boolean entry = stripped.startsWith("- ");
        int colon = stripped.indexOf(':');
        String rest = colon < 0 ? ":" : stripped.substring(colon);
        return indent + (entry ? "- " : "") + key + rest;
    }

    private String insertText(String line, String text) {
        int at = random.nextInt(line.length() + 1);
        return line.substring(0, at) + text + line.substring(at);
    }

    /** Values from a few kilobytes up to past the file limit: one long word, words with spaces, or a number. */
    private String hugeValue() {
        int[] lengths = {10_000, 60_000, 70_000, 200_000, 1_000_000, 2_900_000, 3_300_000};
        int length = lengths[random.nextInt(lengths.length)];
        return switch (random.nextInt(3)) {
            case 0 -> "x".repeat(length);
            case 1 -> "word ".repeat(length / 5);
            default -> "9".repeat(length);
        };
    }

    /**
     * Many short lines: long lists, blocks and maps. Up to twenty thousand, a few hundred kilobytes;
     * a plan near the size limit made of such lines takes a second or more to read on a busy machine,
     * which is left to the file-size tests, so that this test's time limit measures only the damage.
     */
    private List<String> manyLines() {
        int count = 1 + random.nextInt(random.nextBoolean() ? 100 : 20_000);
        String[] shapes = {"    - c%d", "  - source: t%d", "# %d", "      %d", "k%d: v"};
        String shape = pick(shapes);
        List<String> lines = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lines.add(String.format(shape, i));
        }
        return lines;
    }

    private String deepNesting() {
        int depth = 10 + random.nextInt(random.nextBoolean() ? 100 : 20_000);
        return switch (random.nextInt(3)) {
            case 0 -> "tables: " + "[".repeat(depth) + "]".repeat(depth);
            case 1 -> "copy: " + "{a: ".repeat(depth) + "1" + "}".repeat(depth);
            default -> "owners: " + "- ".repeat(Math.min(depth, 1_000)) + "x";
        };
    }

    /** Each level lists the one before it several times: a few lines that expand to millions of nodes. */
    private List<String> aliasBomb() {
        int levels = 3 + random.nextInt(8);
        int width = 2 + random.nextInt(8);
        List<String> lines = new ArrayList<>();
        lines.add("l0: &l0 [" + String.join(", ", java.util.Collections.nCopies(width, "\"lol\"")) + "]");
        for (int level = 1; level < levels; level++) {
            lines.add("l" + level + ": &l" + level + " ["
                    + String.join(", ", java.util.Collections.nCopies(width, "*l" + (level - 1))) + "]");
        }
        String last = "*l" + (levels - 1);
        lines.add(pick(new String[] {"tables: " + last, "owners: " + last, "    columns: " + last, "name: " + last,
                "copy: " + last, "  - source: " + last}));
        return lines;
    }

    private String tableName() {
        StringBuilder name = new StringBuilder("'");
        char[] alphabet = "aZ_$.\" -0ü€\t'".toCharArray();
        int length = 1 + random.nextInt(12);
        for (int i = 0; i < length; i++) {
            char c = alphabet[random.nextInt(alphabet.length)];
            name.append(c == '\'' ? "''" : String.valueOf(c));
        }
        return name.append('\'').toString();
    }

    private String longText(int length) {
        return "k".repeat(length);
    }

    private byte[] insertBytes(byte[] bytes) {
        int at = random.nextInt(bytes.length + 1);
        int[] inserted = BYTES[random.nextInt(BYTES.length)];
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + inserted.length);
        out.write(bytes, 0, at);
        for (int b : inserted) {
            out.write(b);
        }
        out.write(bytes, at, bytes.length - at);
        return out.toByteArray();
    }

    private String pick(String[] choices) {
        return choices[random.nextInt(choices.length)];
    }
}
