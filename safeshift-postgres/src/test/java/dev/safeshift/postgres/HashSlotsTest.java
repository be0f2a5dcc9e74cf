package dev.safeshift.postgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class HashSlotsTest {

    @Test
    void theXorOfAnyTwoSlotConstantsIsNonZeroAndDistinctFromEveryOtherPair() {
        int slots = HashSlots.SLOTS;
        long[] xors = new long[slots * (slots - 1) / 2];
        int n = 0;
        for (int a = 0; a < slots; a++) {
            for (int b = a + 1; b < slots; b++) {
                xors[n++] = HashSlots.of(a) ^ HashSlots.of(b);
            }
        }
        assertThat(n).isEqualTo(8_386_560);
        Arrays.sort(xors);
        int zeros = 0;
        int repeats = 0;
        for (int i = 0; i < xors.length; i++) {
            if (xors[i] == 0) {
                zeros++;
            }
            if (i > 0 && xors[i] == xors[i - 1]) {
                repeats++;
            }
        }
        assertThat(zeros).isZero();
        assertThat(repeats).isZero();
    }

    @Test
    void theTopTwelveBitsOfAConstantAreItsSlot() {
        for (int slot = 0; slot < HashSlots.SLOTS; slot++) {
            assertThat(HashSlots.of(slot) >>> 52).isEqualTo(slot);
        }
        // so an integer key below 2^52 XOR a constant keeps the slot, and the key, readable
        long key = (1L << 52) - 1;
        assertThat((key ^ HashSlots.of(HashSlots.nullOf(7))) >>> 52).isEqualTo(2_055);
    }

    @Test
    void slotsOfColumnsAndTheirNullsDoNotOverlapTheFixedSlots() {
        assertThat(HashSlots.column(1)).isEqualTo(1);
        assertThat(HashSlots.column(1_600)).isEqualTo(1_600);
        assertThat(HashSlots.nullOf(1)).isEqualTo(2_049);
        assertThat(HashSlots.nullOf(1_600)).isEqualTo(3_648).isLessThan(HashSlots.KEY_CHAIN);
        assertThatThrownBy(() -> HashSlots.column(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HashSlots.column(1_601)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HashSlots.of(4_096)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void literalsReadBackAsTheConstants() {
        assertThat(HashSlots.literal(0)).isEqualTo(HashSlots.of(0) + "::int8");
        long negative = HashSlots.of(2_049);
        assertThat(negative).isNegative();
        assertThat(HashSlots.literal(2_049)).isEqualTo("(" + negative + ")::int8");
        // the same splitmix64 as the reference implementation: splitmix64 of 0 with its usual increment
        assertThat(HashSlots.splitmix64(0)).isEqualTo(0xE220_A839_7B1D_CDAFL);
    }
}
