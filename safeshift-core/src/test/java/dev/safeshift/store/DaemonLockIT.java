package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.testing.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

class DaemonLockIT {

    @Test
    void secondDaemonForTheSameMigrationIsRefusedUntilTheFirstIsGone() {
        Endpoint control = EmbeddedPostgres.newDatabase("lock");
        try (DaemonLock first = DaemonLock.acquire(control, "safeshift", "orders")) {
            assertThatThrownBy(() -> DaemonLock.acquire(control, "safeshift", "orders"))
                    .isInstanceOf(SafeshiftException.class)
                    .hasMessageContaining("already running migration 'orders'")
                    .extracting(e -> ((SafeshiftException) e).kind()).isEqualTo(SafeshiftException.Kind.IN_USE);
            try (DaemonLock other = DaemonLock.acquire(control, "safeshift", "invoices")) {
                assertThat(other).isNotNull();
            }
        }
        try (DaemonLock again = DaemonLock.acquire(control, "safeshift", "orders")) {
            assertThat(again).isNotNull();
        }
    }
}
