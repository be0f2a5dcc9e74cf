package dev.safeshift.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {

    @TempDir
    Path dir;

    @Test
    void summaryWritesNamesAsSqlWouldAndShowsEverySetting() throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                name: lines_move
                source:
                  url: jdbc:postgresql://old-db:5432/shop
                  user: migrator
                target:
                  url: jdbc:postgresql://new-db:5432/shop
                  user: migrator
                tables:
                  - source: '"Sales Ops"."order-lines.2026"'
                    target: Sales.Order_Lines
                    columns: [Id, '"Amount (€)"']
                    existing-rows: replace
                  - source: refunds
                retry:
                  give-up-after: 30m
                stream:
                  warn-retained-wal: 512MB
                """);

        CommandRun run = CommandRun.of("validate", plan.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).contains(
                "  table   \"Sales Ops\".\"order-lines.2026\" -> sales.order_lines (id, \"Amount (€)\"), "
                        + "existing target rows are replaced\n",
                "  table   public.refunds -> public.refunds\n",
                "  retry   transient failures for up to 30m\n",
                "  stream  warns above 512MB of retained write-ahead log\n");
    }

    @Test
    void describesAPlanThatOnlyChangesTheSourceWithItsScripts() throws Exception {
        Files.createDirectories(dir.resolve("migrations"));
        Files.writeString(dir.resolve("migrations/V7_1__add_amount_check.sql"),
                "ALTER TABLE payments ADD CONSTRAINT amount_positive CHECK (amount_cents > 0) NOT VALID;\n"
                        + "ALTER TABLE payments VALIDATE CONSTRAINT amount_positive;\n");
        Files.writeString(dir.resolve("migrations/V8__note.sql"), "ALTER TABLE payments ADD COLUMN note text;\n");
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                name: payments_check
                source:
                  url: jdbc:postgresql://old-db:5432/shop
                  user: migrator
                tables:
                  - source: payments
                change: migrations
                """);

        CommandRun run = CommandRun.of("validate", plan.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).isEqualTo(plan + " is valid: migration 'payments_check', 1 table(s), changed in place "
                + "on the source (no target)\n"
                + "  source  jdbc:postgresql://old-db:5432/shop\n"
                + "  table   public.payments\n"
                + "  change  migrations/V7_1__add_amount_check.sql (version 7.1, add amount check): 2 lines\n"
                + "  change  migrations/V8__note.sql (version 8, note): 1 line\n");
    }

    @Test
    void describesTheChangeOfAPlanThatAlsoMoves() throws Exception {
        Path plan = Files.writeString(dir.resolve("plan.yaml"), """
                name: lines_move
                source:
                  url: jdbc:postgresql://old-db:5432/shop
                  user: migrator
                target:
                  url: jdbc:postgresql://new-db:5432/shop
                  user: migrator
                tables:
                  - source: payments
                change:
                  - |
                    ALTER TABLE payments ADD COLUMN note text;
                    ALTER TABLE payments ADD COLUMN memo text;
                """);

        CommandRun run = CommandRun.of("validate", plan.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.stdout()).startsWith(plan + " is valid: migration 'lines_move', 1 table(s)\n")
                .contains("  target  jdbc:postgresql://new-db:5432/shop\n",
                        "  table   public.payments -> public.payments\n",
                        "  change  plan.yaml line 12: 2 lines\n",
                        "  copy    ");
    }
}
