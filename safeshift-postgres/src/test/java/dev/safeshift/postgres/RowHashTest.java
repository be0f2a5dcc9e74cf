package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The shape of the row hash's SQL; what it computes is tested against PostgreSQL in VerifierPropertyIT. */
class RowHashTest {

    private static ColumnType column(String name, String base, boolean domain, String baseSql, int typmod) {
        return new ColumnType(name, domain ? "my_domain" : baseSql, false, domain, base, true, baseSql, typmod, 'b',
                Optional.empty(), Optional.empty());
    }

    private static final ColumnType ID = column("id", "int8", false, "bigint", -1);
    private static final ColumnType NOTE = column("note", "text", false, "text", -1);

    @Test
    void aSingleIntegerKeyIsTheKeyMaterialItselfAndNotHashedAgain() {
        String sql = RowHash.sql(List.of(ID, NOTE), List.of("id"));
        assertThat(RowHash.keyMaterial(List.of(ID, NOTE), List.of("id"))).isEqualTo("\"id\"");
        assertThat(sql).startsWith("(hashint4extended(0, (\"id\" # " + HashSlots.literal(0) + "))")
                .doesNotContain("hashint8extended(\"id\"")
                // the text column at position 2, and its own term for a NULL
                .contains("hashtextextended(\"note\" COLLATE \"C\", (\"id\" # " + HashSlots.literal(2) + "))")
                .contains("hashint4extended(0, (\"id\" # " + HashSlots.literal(HashSlots.nullOf(2)) + "))");
        ColumnType small = column("id", "int4", true, "integer", -1);
        assertThat(RowHash.keyMaterial(List.of(small), List.of("id"))).isEqualTo("((\"id\"::integer))::int8");
    }

    @Test
    void anyOtherKeyIsChainedFromItsOwnSlotAndItsColumnsAreHashedToo() {
        ColumnType uuid = column("id", "uuid", false, "uuid", -1);
        String key = RowHash.keyMaterial(List.of(uuid, NOTE), List.of("id"));
        assertThat(key).isEqualTo("uuid_hash_extended(\"id\", " + HashSlots.literal(HashSlots.KEY_CHAIN) + ")");
        assertThat(RowHash.sql(List.of(uuid, NOTE), List.of("id")))
                .contains("uuid_hash_extended(\"id\", (" + key + " # " + HashSlots.literal(1) + "))");

        List<ColumnType> composite = List.of(NOTE, ID);
        assertThat(RowHash.keyMaterial(composite, List.of("note", "id"))).isEqualTo("hashint4extended((\"id\" >> 32)::int4, "
                + "hashint8extended(\"id\", hashtextextended(\"note\" COLLATE \"C\", " + HashSlots.literal(4095) + ")))");
    }

    @Test
    void stepsHashExactEncodings() {
        String seed = "s";
        assertThat(RowHash.step(column("n", "numeric", false, "numeric", -1), seed).sql())
                .isEqualTo("hash_record_extended(ROW(numeric_send(trim_scale(\"n\"))), s)");
        assertThat(RowHash.step(column("n", "numeric", true, "numeric(12,2)", 786_438), seed).sql())
                .isEqualTo("hash_record_extended(ROW(numeric_send((\"n\"::numeric(12,2)))), s)");
        assertThat(RowHash.step(column("b", "int8", false, "bigint", -1), seed).sql())
                .isEqualTo("hashint4extended((\"b\" >> 32)::int4, hashint8extended(\"b\", s))");
        assertThat(RowHash.step(column("j", "json", false, "json", -1), seed).sql())
                .isEqualTo("hashtextextended(\"j\"::jsonb::text COLLATE \"C\", s)");
        RowHash.Step array = RowHash.step(new ColumnType("a", "integer[]", false, false, "_int4", true, "integer[]", -1, 'b',
                Optional.of(new ColumnType.Element("int4", true, 'b')), Optional.empty()), seed);
        assertThat(array.sql()).isEqualTo("hash_record_extended(ROW(set_byte(array_send(\"a\"), 7, 0)), s)");
        assertThat(array.strict()).as("a record of a NULL is not NULL").isFalse();
        ColumnType enumArray = new ColumnType("m", "mood[]", false, false, "_mood", false, "mood[]", -1, 'b',
                Optional.of(new ColumnType.Element("mood", false, 'e')), Optional.empty());
        assertThat(RowHash.step(enumArray, seed).sql()).isEqualTo("hashtextextended(\"m\"::text COLLATE \"C\", s)");
    }
}
