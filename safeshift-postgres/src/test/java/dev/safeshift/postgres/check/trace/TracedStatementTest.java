package dev.safeshift.postgres.check.trace;

import dev.safeshift.postgres.check.LockMode;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TracedStatementTest {

    private static TracedStatement traced(HeldLock... locks) {
        return new TracedStatement("ALTER TABLE payments ADD FOREIGN KEY ...", true, Optional.empty(), List.of(locks),
                List.of(), List.of("public.payments"), Optional.empty());
    }

    @Test
    void strongestLockByPostgresOrder() {
        TracedStatement statement = traced(new HeldLock("public.customers", "RowShareLock"),
                new HeldLock("public.customers", "ShareRowExclusiveLock"), new HeldLock("public.customers", "AccessShareLock"),
                new HeldLock("public.payments", "ShareUpdateExclusiveLock"), new HeldLock("public.payments", "ShareLock"));
        assertThat(statement.strongestLockOn("public.customers")).contains("ShareRowExclusiveLock");
        assertThat(statement.strongestLockOn("public.payments")).contains("ShareLock");
        assertThat(statement.strongestLockOn("public.orders")).isEmpty();
        assertThat(statement.locks()).first().isEqualTo(new HeldLock("public.customers", "AccessShareLock"));
        assertThat(statement.scannedTable("public.payments")).isTrue();
    }

    @Test
    void tracedOrWithReason() {
        assertThatThrownBy(() -> new TracedStatement("VACUUM", false, Optional.empty(), List.of(), List.of(), List.of(),
                Optional.empty())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void lockModeConflictsAreSymmetricAndAsDocumented() {
        for (LockMode a : LockMode.values()) {
            for (LockMode b : LockMode.values()) {
                assertThat(a.conflictsWith(b)).as(a + " / " + b).isEqualTo(b.conflictsWith(a));
            }
        }
        assertThat(LockMode.SHARE.conflictsWith(LockMode.SHARE)).isFalse();
        assertThat(LockMode.SHARE_UPDATE_EXCLUSIVE.conflictsWith(LockMode.SHARE_UPDATE_EXCLUSIVE)).isTrue();
        assertThat(LockMode.ROW_EXCLUSIVE.conflictsWith(LockMode.SHARE)).isTrue();
        assertThat(LockMode.ACCESS_SHARE.conflictsWith(LockMode.EXCLUSIVE)).isFalse();
        assertThat(LockMode.ofPgName("SIReadLock")).isEmpty();
    }

    @Test
    void scratchUrlKeepsHostAndParameters() {
        assertThat(ScratchDatabase.databaseUrl("jdbc:postgresql://db:5433/postgres?sslmode=require", "x"))
                .isEqualTo("jdbc:postgresql://db:5433/x?sslmode=require");
        assertThat(ScratchDatabase.databaseUrl("jdbc:postgresql://db", "x")).isEqualTo("jdbc:postgresql://db/x");
        assertThatThrownBy(() -> ScratchDatabase.databaseUrl("jdbc:postgresql:postgres", "x"))
                .hasMessageContaining("jdbc:postgresql://host:port/database");
    }
}
