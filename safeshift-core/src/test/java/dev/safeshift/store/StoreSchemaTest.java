package dev.safeshift.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import org.junit.jupiter.api.Test;

class StoreSchemaTest {

    @Test
    void acceptsPlainLowerCaseIdentifiers() {
        assertThat(StoreSchema.validName("safeshift")).isEqualTo("safeshift");
        assertThat(StoreSchema.validName("_ops_2")).isEqualTo("_ops_2");
        assertThat(StoreSchema.validName("a".repeat(63))).hasSize(63);
    }

    @Test
    void rejectsNamesThatWouldNeedQuotingOrCouldInjectSql() {
        for (String bad : new String[] {"Safeshift", "2fast", "a-b", "x\"; DROP SCHEMA public; --", "", "a".repeat(64)}) {
            SafeshiftException failure = catchThrowableOfType(SafeshiftException.class, () -> StoreSchema.validName(bad));
            assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.BAD_PLAN);
            assertThat(failure.getMessage()).contains("control.schema");
        }
        assertThat(catchThrowableOfType(SafeshiftException.class, () -> StoreSchema.validName(null))).isNotNull();
    }
}
