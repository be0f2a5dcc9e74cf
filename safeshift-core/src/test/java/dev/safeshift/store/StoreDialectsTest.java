package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import org.junit.jupiter.api.Test;

class StoreDialectsTest {

    @Test
    void aPostgresqlUrlFindsThePostgresqlDialect() {
        StoreDialect dialect = StoreDialects.forUrl("jdbc:postgresql://db.example:5432/shop");

        assertThat(dialect).isInstanceOf(PostgresStoreDialect.class);
        assertThat(dialect.name()).isEqualTo("PostgreSQL");
        assertThat(dialect.scriptLocation()).isEqualTo("classpath:db/safeshift");
    }

    @Test
    void aUrlNoDialectServesFailsNamingTheInstalledDialects() {
        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> StoreDialects.forUrl("jdbc:mariadb://db.example:3306/shop?user=app&password=secret"));

        assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.BAD_PLAN);
        assertThat(failure.getMessage())
                .startsWith("no control store dialect serves jdbc:mariadb://db.example:3306/shop")
                .contains("(installed: PostgreSQL)")
                .doesNotContain("secret");
    }

    @Test
    void thePostgresqlDialectServesOnlyPostgresqlUrls() {
        StoreDialect postgres = new PostgresStoreDialect();

        assertThat(postgres.serves("jdbc:postgresql://localhost/shop")).isTrue();
        assertThat(postgres.serves("jdbc:postgresql:shop")).isTrue();
        assertThat(postgres.serves("jdbc:mariadb://localhost/shop")).isFalse();
        assertThat(postgres.serves("jdbc:mysql://localhost/shop")).isFalse();
    }
}
