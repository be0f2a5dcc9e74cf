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
}
