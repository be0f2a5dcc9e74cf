package dev.safeshift.postgres.pgbouncer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PgBouncerConfigTest {

    private static final String INI = "; comment: shop = host=nowhere\r\n"
            + "[pgbouncer]\r\n"
            + "shop = host=not-a-database-entry\r\n"
            + "[databases]\r\n"
            + "shopping = host=a port=1 dbname=x\r\n"
            + "shop =  host=old.internal  port=5432 dbname=shop_v1 pool_size=20 application_name='a b'   \r\n"
            + "other=host=c\r\n"
            + "[users]\r\n"
            + "caf\u00e9 = pool_mode=session\r\n";

    @Test
    void findsTheEntryInTheDatabasesSectionOnly() {
        PgBouncerConfig.Entry entry = PgBouncerConfig.find(INI, "shop").orElseThrow();

        assertThat(entry.values()).containsEntry("host", "old.internal").containsEntry("port", "5432")
                .containsEntry("dbname", "shop_v1").containsEntry("application_name", "a b");
        assertThat(PgBouncerConfig.find(INI, "missing")).isEmpty();
        assertThat(PgBouncerConfig.find(INI, "caf\u00e9")).isEmpty();
    }

    @Test
    void rewritesHostPortAndDbnameAndNothingElse() {
        String rewritten = PgBouncerConfig.rewrite(INI, "shop", "new.internal", 6543, "shop_v2");

        assertThat(rewritten).isEqualTo(INI.replace("host=old.internal  port=5432 dbname=shop_v1",
                "host=new.internal  port=6543 dbname=shop_v2"));
        assertThat(PgBouncerConfig.rewrite(rewritten, "shop", "old.internal", 5432, "shop_v1")).isEqualTo(INI);
    }

    @Test
    void addsWhatTheEntryDoesNotSayAndQuotesWhatNeedsIt() {
        String ini = "[databases]\nshop = pool_size=5\nbare =\n";

        assertThat(PgBouncerConfig.rewrite(ini, "shop", "db", 5432, "it's"))
                .isEqualTo("[databases]\nshop = pool_size=5 host=db port=5432 dbname='it\\'s'\nbare =\n");
        assertThat(PgBouncerConfig.rewrite(ini, "bare", "db", 1, "x"))
                .isEqualTo("[databases]\nshop = pool_size=5\nbare =host=db port=1 dbname=x\n");
        assertThatThrownBy(() -> PgBouncerConfig.rewrite(ini, "missing", "db", 1, "x"))
                .hasMessageContaining("no entry missing");
    }
}
