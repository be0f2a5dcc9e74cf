package dev.safeshift.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuggestionsTest {

    private static final List<String> FIELDS = List.of("url", "user", "password", "parallelism", "rows-per-chunk");

    @Test
    void findsTyposCaseAndUnderscores() {
        assertThat(Suggestions.closest("pasword", FIELDS)).contains("password");
        assertThat(Suggestions.closest("usr", FIELDS)).contains("user");
        assertThat(Suggestions.closest("URL", FIELDS)).contains("url");
        assertThat(Suggestions.closest("rows_per_chunk", FIELDS)).contains("rows-per-chunk");
    }

    @Test
    void findsPrefixes() {
        assertThat(Suggestions.closest("parallel", FIELDS)).contains("parallelism");
        assertThat(Suggestions.closest("rows", FIELDS)).contains("rows-per-chunk");
    }

    @Test
    void doesNotGuessUnrelatedNames() {
        assertThat(Suggestions.closest("pwd", FIELDS)).isEmpty();
        assertThat(Suggestions.closest("deadline", FIELDS)).isEmpty();
    }

    @Test
    void countsASwapAsOneEdit() {
        assertThat(Suggestions.distance("nmae", "name")).isEqualTo(1);
        assertThat(Suggestions.distance("kitten", "sitting")).isEqualTo(3);
    }
}
