package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cutover.switch: pgbouncer} and its {@code cutover.pgbouncer} section. */
class PlanPgBouncerTest {

    @TempDir
    Path dir;

    private static final String SECTION = """
              pgbouncer:
                admin-url: jdbc:postgresql://bouncer:6432/pgbouncer
                user: admin
                password: ${PGBOUNCER_ADMIN_PASSWORD}
                database: shop
                config: conf/pgbouncer.ini
            """;

    private PlanException error(String yaml) {
        Path file = PlanFiles.write(dir, yaml);
        return catchThrowableOfType(PlanException.class, () -> PlanLoader.load(file, PlanFiles.ENVIRONMENT));
    }

    private String at(int line, int column) {
        return dir.resolve("plan.yaml") + ":" + line + ":" + column + ": ";
    }

    @Test
    void pgbouncerSwitchLoadsWithItsSection() {
        Plan plan = PlanFiles.load(dir, PlanFiles.MINIMAL + "cutover:\n  switch: pgbouncer\n" + SECTION);

        assertThat(plan.cutover().trafficSwitch()).isEqualTo(CutoverSettings.SwitchKind.PGBOUNCER);
        PgBouncerSettings pgbouncer = plan.cutover().pgbouncer().orElseThrow();
        assertThat(pgbouncer.admin().url()).isEqualTo("jdbc:postgresql://bouncer:6432/pgbouncer");
        assertThat(pgbouncer.admin().user()).isEqualTo("admin");
        assertThat(pgbouncer.admin().password()).isEqualTo(Optional.of("s3cret-pgbouncer"));
        assertThat(pgbouncer.database()).isEqualTo("shop");
        assertThat(pgbouncer.config()).isEqualTo(dir.toAbsolutePath().resolve("conf/pgbouncer.ini"));
    }

    @Test
    void routerSwitchHasNoPgBouncer() {
        assertThat(PlanFiles.load(dir, PlanFiles.MINIMAL).cutover().pgbouncer()).isEmpty();
    }

    @Test
    void pgbouncerSwitchWithoutItsSectionPointsAtTheSwitch() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: pgbouncer\n");

        assertThat(e).hasMessageStartingWith(at(11, 11) + "missing section 'pgbouncer' in 'cutover'");
        assertThat(e.field()).isEqualTo("cutover.pgbouncer");
    }

    @Test
    void pgbouncerSectionWithTheRouterSwitchIsRefused() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: router\n" + SECTION);

        assertThat(e).hasMessage(at(12, 3) + "cutover.pgbouncer is set but cutover.switch is router, which would"
                + " never use it. Write switch: pgbouncer, or remove cutover.pgbouncer.");
    }

    @Test
    void adminUrlMustNameTheConsole() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: pgbouncer\n"
                + SECTION.replace("6432/pgbouncer", "6432/shop"));

        assertThat(e).hasMessageStartingWith(at(13, 16) + "cutover.pgbouncer.admin-url must be a jdbc:postgresql:// URL"
                + " of PgBouncer's admin console, whose database is pgbouncer");
    }

    @Test
    void missingFieldOfTheSectionIsNamed() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: pgbouncer\n"
                + SECTION.replace("    config: conf/pgbouncer.ini\n", ""));

        assertThat(e).hasMessageContaining("missing required field 'config' in 'cutover.pgbouncer'");
    }

    @Test
    void databaseIsANameTheConsoleTakes() {
        PlanException e = error(PlanFiles.MINIMAL + "cutover:\n  switch: pgbouncer\n"
                + SECTION.replace("database: shop", "database: 'Shop DB'"));

        assertThat(e.field()).isEqualTo("cutover.pgbouncer.database");
    }
}
