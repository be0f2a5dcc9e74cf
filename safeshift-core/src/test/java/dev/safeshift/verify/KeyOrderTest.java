package dev.safeshift.verify;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class KeyOrderTest {

    private static int compare(String... pair) {
        return Integer.signum(KeyOrder.INSTANCE.compare(List.of(pair[0]), List.of(pair[1])));
    }

    @Test
    void numbersSortAsNumbersAndTextAsText() {
        assertThat(compare("2", "10")).isNegative();
        assertThat(compare("-5", "1")).isNegative();
        assertThat(compare("1.5", "1.25")).isPositive();
        assertThat(compare("Apple", "apple")).isNegative();
        assertThat(compare("b", "a")).isPositive();
    }

    @Test
    void compositeKeysSortColumnByColumn() {
        assertThat(KeyOrder.INSTANCE.compare(List.of("acme", "9"), List.of("acme", "10"))).isNegative();
        assertThat(KeyOrder.INSTANCE.compare(List.of("acme", "10"), List.of("beta", "1"))).isNegative();
        assertThat(KeyOrder.INSTANCE.compare(Arrays.asList(null, "1"), List.of("acme", "1"))).isNegative();
    }

    @Test
    void theOrderIsTransitiveWhenTextKeysOnlySometimesLookLikeNumbers() {
        List<String> values = List.of("2", "10", "1a", "-", "-1", "1e1", "10.0", "a", "", "007", "9b", " 1", "1 ");
        for (String a : values) {
            for (String b : values) {
                assertThat(compare(a, b)).as("%s vs %s", a, b).isEqualTo(-compare(b, a));
                for (String c : values) {
                    if (compare(a, b) <= 0 && compare(b, c) <= 0) {
                        assertThat(compare(a, c)).as("'%s' <= '%s' <= '%s'", a, b, c).isNotPositive();
                    }
                }
            }
        }
    }

    @Test
    void sortingManyMixedKeysGivesAConsistentOrder() {
        Random random = new Random(3);
        List<List<String>> keys = new ArrayList<>();
        for (int i = 0; i < 5_000; i++) {
            keys.add(List.of(random.nextBoolean() ? Integer.toString(random.nextInt(1_000)) : random.nextInt(100) + "x"));
        }
        keys.sort(KeyOrder.INSTANCE);
        for (int i = 1; i < keys.size(); i++) {
            assertThat(KeyOrder.INSTANCE.compare(keys.get(i - 1), keys.get(i))).isNotPositive();
        }
    }
}
