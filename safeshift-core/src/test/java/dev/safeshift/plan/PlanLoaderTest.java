package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PlanLoaderTest {

    @TempDir
    Path dir;

    @Test
    void loadsEveryFieldIntoTheRecords() {
        Path file = PlanFiles.write(dir, """
                name: payments_move
                source:
                  url: jdbc:postgresql://old-db:5432/shop
                  user: migrator
                  password: ${SOURCE_PGPASSWORD}
                target:
                  url: jdbc:postgresql://new-db:5432/billing
                  user: writer
                  password: ${TARGET_PGPASSWORD}
                tables:
                  - source: public.payments
                    target: billing.payments
                    columns: [id, amount_cents, currency]
                  - source: refunds
                control:
                  url: jdbc:postgresql://ops-db:5432/ops
                  user: safeshift
                  password: ${CONTROL_PGPASSWORD}
                  schema: shift_state
                copy:
                  parallelism: 8
                  rows-per-chunk: 100_000
                verify:
                  every: 2h30m
                  sample: 5%
                owners:
                  - name: Ana Lima
                    role: migration lead
                    contact: ana.lima@example.com
                  - name: Tomasz Nowak
                    role: payments service owner
                """);

        Plan plan = PlanLoader.load(file, PlanFiles.ENVIRONMENT);

        assertThat(plan).isEqualTo(new Plan(
                file,
                "payments_move",
                new Endpoint("jdbc:postgresql://old-db:5432/shop", "migrator",
                        Optional.of("SOURCE_PGPASSWORD"), Optional.of("s3cret-source")),
                new Endpoint("jdbc:postgresql://new-db:5432/billing", "writer",
                        Optional.of("TARGET_PGPASSWORD"), Optional.of("s3cret-target")),
                List.of(
                        new TableSpec(new QualifiedName("public", "payments"), new QualifiedName("billing", "payments"),
                                List.of("id", "amount_cents", "currency")),
                        new TableSpec(new QualifiedName("public", "refunds"), new QualifiedName("public", "refunds"),
                                List.of())),
                new ControlSpec(Optional.of(new Endpoint("jdbc:postgresql://ops-db:5432/ops", "safeshift",
                        Optional.of("CONTROL_PGPASSWORD"), Optional.of("s3cret-control"))), "shift_state"),
                new CopySettings(8, 100_000),
                Optional.of(new VerifySchedule(Duration.ofHours(2).plusMinutes(30), OptionalDouble.of(5))),
                List.of(new Owner("Ana Lima", "migration lead", "ana.lima@example.com"),
                        new Owner("Tomasz Nowak", "payments service owner", null))));
    }

    @Test
    void appliesDefaultsForEverythingLeftOut() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL);

        assertThat(plan.source()).isEqualTo(Endpoint.of("jdbc:postgresql://old-db:5432/shop", "migrator"));
        assertThat(plan.tables()).containsExactly(new TableSpec(
                new QualifiedName("public", "payments"), new QualifiedName("public", "payments"), List.of(),
                ExistingRows.REFUSE));
        assertThat(plan.control()).isEqualTo(new ControlSpec(Optional.empty(), ControlSpec.DEFAULT_SCHEMA));
        assertThat(plan.controlEndpoint()).isEqualTo(plan.moveTarget());
        assertThat(plan.copy()).isEqualTo(CopySettings.DEFAULTS);
        assertThat(plan.owners()).isEmpty();
        assertThat(plan.verify()).isEmpty();
        assertThat(plan.retry()).isEqualTo(new RetrySettings(Duration.ofMinutes(10)));
        assertThat(plan.stream()).isEqualTo(new StreamSettings(10L * 1024 * 1024 * 1024));
    }

    @Test
    void fillsDefaultsInsideAPartlyWrittenSection() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + "copy:\n  parallelism: 2\ncontrol:\n  schema: ops\n");

        assertThat(plan.copy()).isEqualTo(new CopySettings(2, CopySettings.DEFAULTS.rowsPerChunk()));
        assertThat(plan.control()).isEqualTo(new ControlSpec(Optional.empty(), "ops"));
    }

    @Test
    void resolvesPasswordFromTheEnvironmentAndKeepsItOutOfToString() {
        Plan plan = PlanLoader.load(PlanFiles.write(dir, PlanFiles.MINIMAL.replace(
                "  url: jdbc:postgresql://old-db:5432/shop\n",
                "  url: jdbc:postgresql://old-db:5432/shop\n  password: ${DB_PASS}\n")),
                Map.of("DB_PASS", "hunter2-very-secret"));

        assertThat(plan.source().passwordVariable()).contains("DB_PASS");
        assertThat(plan.source().password()).contains("hunter2-very-secret");
        assertThat(plan.toString()).doesNotContain("hunter2-very-secret").contains("${DB_PASS}");
        assertThat(plan.source().toString()).doesNotContain("hunter2-very-secret");
    }

    @Test
    void loadsWithTheProcessEnvironmentWhenNoneIsGiven() {
        Plan plan = PlanLoader.load(PlanFiles.write(dir, PlanFiles.MINIMAL));

        assertThat(plan.name()).isEqualTo("payments_move");
    }

    @Test
    void acceptsFlowStyleAndQuotedStrings() {
        Plan plan = PlanFiles.load(dir, """
                name: "payments_move"
                source: {url: 'jdbc:postgresql://old-db/shop', user: "yes"}
                target: {url: jdbc:postgresql://new-db/shop, user: 'no'}
                tables: [{source: payments, columns: [id]}]
                """);

        assertThat(plan.source().user()).isEqualTo("yes");
        assertThat(plan.moveTarget().user()).isEqualTo("no");
        assertThat(plan.tables().get(0).columns()).containsExactly("id");
    }

    @Test
    void readsAVerificationScheduleWrittenInline() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + "verify: { every: 1h, sample: 5% }\n");

        assertThat(plan.verify()).contains(new VerifySchedule(Duration.ofHours(1), OptionalDouble.of(5)));
        assertThat(plan.verify().get().full()).isFalse();
    }

    @Test
    void aScheduleWithoutASampleVerifiesEverything() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + "verify:\n  every: 15m\n");

        assertThat(plan.verify()).contains(new VerifySchedule(Duration.ofMinutes(15), OptionalDouble.empty()));
        assertThat(plan.verify().get().full()).isTrue();
    }

    @Test
    void acceptsEveryDurationAndPercentageForm() {
        String[][] cases = {{"1m", "60", "100%"}, {"90s", "90", "0.5%"}, {"2h30m", "9000", "'12.5 %'"},
                {"1d", "86400", "\"50%\""}, {"1d2h3m4s", "93784", "1%"}};
        double[] percents = {100, 0.5, 12.5, 50, 1};
        for (int i = 0; i < cases.length; i++) {
            Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + "verify:\n  every: " + cases[i][0]
                    + "\n  sample: " + cases[i][2] + "\n");

            assertThat(plan.verify().get().every()).as(cases[i][0]).hasSeconds(Long.parseLong(cases[i][1]));
            assertThat(plan.verify().get().samplePercent()).as(cases[i][2]).hasValue(percents[i]);
        }
    }

    @Test
    void readsAFileWithAByteOrderMark() {
        Plan plan = PlanFiles.load(dir, "\uFEFF" + PlanFiles.MINIMAL);

        assertThat(plan.name()).isEqualTo("payments_move");
    }

    @Test
    void tableAndColumnNamesAreReadAsSqlWritesThem() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL.replace("  - source: payments\n", """
                  - source: '"Sales Ops"."order-lines.2026"'
                    target: Billing.Order_Lines
                    columns: [Id, '"Amount (€)"', ünïcødé, a$b, '"say ""hi""\"']
                  - source: '"Orders"'
                  - source: orders
                """));

        TableSpec lines = plan.tables().get(0);
        assertThat(lines.source()).isEqualTo(new QualifiedName("Sales Ops", "order-lines.2026"));
        assertThat(lines.target()).isEqualTo(new QualifiedName("billing", "order_lines"));
        assertThat(lines.columns()).containsExactly("id", "Amount (€)", "ünïcødé", "a$b", "say \"hi\"");
        assertThat(plan.tables().get(1).source()).as("quoted, so not the same table as orders")
                .isEqualTo(new QualifiedName("public", "Orders"));
        assertThat(plan.tables().get(2).source()).isEqualTo(new QualifiedName("public", "orders"));
    }

    @Test
    void quotedAndUnquotedColumnsOfDifferentCaseAreDifferentColumns() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + "    columns: [id, '\"ID\"']\n");

        assertThat(plan.tables().get(0).columns()).containsExactly("id", "ID");
    }

    @Test
    void readsTheSettingsForExistingRowsRetriesAndRetainedWal() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + """
                    existing-rows: replace
                  - source: refunds
                retry:
                  give-up-after: 1h30m
                stream:
                  warn-retained-wal: 512MB
                """);

        assertThat(plan.tables()).extracting(TableSpec::existingRows)
                .containsExactly(ExistingRows.REPLACE, ExistingRows.REFUSE);
        assertThat(plan.retry()).isEqualTo(new RetrySettings(Duration.ofMinutes(90)));
        assertThat(plan.stream()).isEqualTo(new StreamSettings(512L * 1024 * 1024));
    }

    @Test
    void sizesCountInUnitsOf1024WithOrWithoutASpace() {
        String[][] cases = {{"1MB", "1048576"}, {"2048kB", "2097152"}, {"'10 GB'", "10737418240"},
                {"1TB", "1099511627776"}, {"1024TB", "1125899906842624"}};
        for (String[] c : cases) {
            Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + "stream: {warn-retained-wal: " + c[0] + "}\n");

            assertThat(plan.stream().warnRetainedWalBytes()).as(c[0]).isEqualTo(Long.parseLong(c[1]));
        }
    }

    @Test
    void theLongestDurationIsAccepted() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + "verify: {every: 3650d}\nretry: {give-up-after: 3650d}\n");

        assertThat(plan.verify().get().every()).isEqualTo(Durations.MAXIMUM);
        assertThat(plan.retry().giveUpAfter()).isEqualTo(Durations.MAXIMUM);
    }

    @Test
    void aControlStoreOfItsOwnConnectsAsItsOwnUser() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL
                + "control:\n  url: jdbc:postgresql://ops-db:5432/ops\n  user: keeper\n");

        assertThat(plan.controlEndpoint()).isEqualTo(Endpoint.of("jdbc:postgresql://ops-db:5432/ops", "keeper"));
    }
}
