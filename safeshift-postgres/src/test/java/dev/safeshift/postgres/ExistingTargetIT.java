package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import org.junit.jupiter.api.Test;

/**
 * A target table that exists already is used only when its definition matches the source's, and
 * on a fresh start only when it is empty or its rows may be replaced; types it uses must match too.
 * Otherwise the move is refused with every difference listed (exit code 6) and nothing is changed.
 */
class ExistingTargetIT {

    private static final QualifiedName ORDERS = new QualifiedName("public", "orders");
    private static final String SOURCE_TABLE = """
            CREATE TYPE public.state AS ENUM ('open', 'paid');
            CREATE TABLE public.orders (
              id bigint PRIMARY KEY,
              code text COLLATE "C" NOT NULL,
              amount numeric(12,2),
              state public.state,
              note varchar(40))""";

    @Test
    void aTargetTableWithAnotherDefinitionIsRefusedWithEveryDifference() {
        try (MoveFixture db = new MoveFixture("existing_mismatch")) {
            db.source(SOURCE_TABLE);
            db.target("CREATE TYPE public.state AS ENUM ('open', 'paid')",
                    "CREATE TABLE public.orders (id integer PRIMARY KEY, code text NOT NULL, amount numeric(10,2) NOT NULL, "
                            + "state public.state, extra int)");
            TableMove move = db.describe(ORDERS);
            assertThatThrownBy(() -> db.engine.prepareTarget(move, true, false))
                    .isInstanceOfSatisfying(SafeshiftException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(6);
                        assertThat(e.getMessage()).contains(
                                "already exists with a different definition",
                                "column \"id\" is integer, the source has bigint",
                                "column \"code\" has its type's default collation, the source has COLLATE pg_catalog.\"C\"",
                                "column \"amount\" is numeric(10,2), the source has numeric(12,2)",
                                "column \"amount\" is NOT NULL, the source's is nullable",
                                "column \"note\" character varying(40) is missing",
                                "column \"extra\" integer is not among the columns moved from the source");
                    });
            assertThat(MoveFixture.strings(db.target, "SELECT attname FROM pg_attribute WHERE attrelid = 'public.orders'::regclass "
                    + "AND attnum > 0 ORDER BY attnum")).containsExactly("id", "code", "amount", "state", "extra");
        }
    }

    @Test
    void aTypeTheTargetDefinesDifferentlyIsRefusedAndAMissingCollationIsNamed() {
        try (MoveFixture db = new MoveFixture("existing_type")) {
            db.source(SOURCE_TABLE);
            db.target("CREATE TYPE public.state AS ENUM ('open', 'closed')");
            TableMove move = db.describe(ORDERS);
            assertThatThrownBy(() -> db.engine.prepareTarget(move, true, false))
                    .isInstanceOfSatisfying(SafeshiftException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(6);
                        assertThat(e.getMessage()).contains("type public.state is enum ('open', 'closed') on the target, "
                                + "but enum ('open', 'paid') on the source");
                    });
            assertThat(MoveFixture.text(db.target, "SELECT to_regclass('public.orders')")).isNull();

            db.source("CREATE COLLATION public.folded (provider = icu, locale = 'und-u-ks-level2', deterministic = false)",
                    "CREATE TABLE public.labels (id int PRIMARY KEY, label text COLLATE public.folded)");
            TableMove labels = db.describe(new QualifiedName("public", "labels"));
            assertThatThrownBy(() -> db.engine.prepareTarget(labels, true, false))
                    .isInstanceOfSatisfying(SafeshiftException.class, e -> assertThat(e.getMessage())
                            .contains("the collation public.folded (column \"label\")", "Nothing was created"));
            assertThat(MoveFixture.text(db.target, "SELECT to_regclass('public.labels')")).isNull();
        }
    }

    @Test
    void aMatchingTargetWithRowsIsRefusedOnAFreshStartEmptiedWhenRowsMayBeReplacedAndKeptOnResume() {
        try (MoveFixture db = new MoveFixture("existing_rows")) {
            db.source(SOURCE_TABLE, "INSERT INTO public.orders VALUES (1, 'a', 1.50, 'open', 'n')");
            TableMove move = db.describe(ORDERS);
            db.engine.prepareTarget(move, true, false); // creates it, with the source's enum
            db.target("INSERT INTO public.orders VALUES (7, 'left over', 9.99, 'paid', NULL)");

            assertThatThrownBy(() -> db.engine.prepareTarget(move, true, false))
                    .isInstanceOfSatisfying(SafeshiftException.class, e -> {
                        assertThat(e.exitCode()).isEqualTo(6);
                        assertThat(e.getMessage()).contains("already holds rows", "TRUNCATE \"public\".\"orders\"",
                                "existing-rows: replace");
                    });
            assertThat(MoveFixture.text(db.target, "SELECT count(*) FROM public.orders")).isEqualTo("1");

            // resuming a move: the rows are the move's own
            db.engine.prepareTarget(move, false, false);
            assertThat(MoveFixture.text(db.target, "SELECT count(*) FROM public.orders")).isEqualTo("1");

            assertThat(db.engine.prepareTarget(move, true, true)).as("rows deleted").isEqualTo(1);
            assertThat(MoveFixture.text(db.target, "SELECT count(*) FROM public.orders")).isEqualTo("0");
        }
    }
}
