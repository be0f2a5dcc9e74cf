package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.postgres.SchemaChanges.SourceColumn;
import org.junit.jupiter.api.Test;

class SchemaChangesTest {

    private static SourceColumn column(String type, String baseType, String defaultExpression, boolean notNull) {
        return new SourceColumn(4, "c", type, notNull, defaultExpression, null, false, false, baseType);
    }

    @Test
    void constantDefaultsAreReproducedAndComputedOnesAreNot() {
        for (String constant : new String[] {"'x'::text", "'it''s'::character varying", "42", "(-1)", "1.5", "true",
                "NULL::text", "'2024-01-01'::date", "'{1,2}'::integer[]", "'none'::character varying(12)",
                "'2024-01-01 10:00:00+00'::timestamp with time zone"}) {
            assertThat(column("text", "text", constant, false).notAutomatic()).as(constant).isEmpty();
        }
        for (String computed : new String[] {"now()", "CURRENT_TIMESTAMP", "nextval('items_id_seq'::regclass)",
                "((random() * (1000)::double precision))::integer", "gen_random_uuid()", "('a'::text || 'b'::text)"}) {
            assertThat(column("text", "text", computed, false).notAutomatic()).as(computed).get().asString()
                    .contains("is computed");
        }
    }

    @Test
    void aNewColumnTheTargetCannotBeGivenExactlySaysWhy() {
        assertThat(column("text", "text", null, false).notAutomatic()).isEmpty();
        assertThat(column("text", "text", "'x'::text", true).notAutomatic()).isEmpty();
        assertThat(column("text", "text", null, true).notAutomatic()).get().asString().contains("NOT NULL without a default");
        // every type moves now; a type that cannot is refused when the table is described again
        assertThat(column("point", "point", null, false).notAutomatic()).isEmpty();
        assertThat(new SourceColumn(4, "c", "integer", false, null, null, true, false, "int4").notAutomatic()).get()
                .asString().contains("generated column");
        assertThat(new SourceColumn(4, "c", "integer", true, null, null, false, true, "int4").notAutomatic()).get()
                .asString().contains("identity column");
    }

    @Test
    void theDefinitionHasTypeCollationDefaultAndNotNull() {
        assertThat(new SourceColumn(4, "c", "text", true, "'x'::text", "pg_catalog.\"C\"", false, false, "text").definition())
                .isEqualTo("text COLLATE pg_catalog.\"C\" DEFAULT 'x'::text NOT NULL");
    }
}
