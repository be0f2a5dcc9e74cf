package dev.safeshift.postgres.stream;

import java.nio.charset.StandardCharsets;

/**
 * Names as Debezium's pgoutput decoder reads them. It reads schema, table and column names from
 * the relation message byte by byte, each byte (sign-extended) as one character, instead of as
 * UTF-8; so a name with characters beyond ASCII ({@code ünïcødé}) reaches records, the table
 * filter and field names in that form. Safeshift looks names up in both forms.
 */
final class DecodedNames {

    private DecodedNames() {
    }

    /** {@code name} as the decoder delivers it; the name itself when it is plain ASCII. */
    static String asDecoded(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        if (bytes.length == name.length()) {
            return name;
        }
        StringBuilder out = new StringBuilder(bytes.length);
        for (byte b : bytes) {
            out.append((char) b);
        }
        return out.toString();
    }
}
