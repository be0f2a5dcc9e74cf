package dev.safeshift.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.safeshift.engine.ColumnDifference;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerificationJsonTest {

    static final Instant START = Instant.parse("2025-03-01T10:00:00Z");

    static RowDifference missing(String id) {
        return new RowDifference(RowDifference.Kind.MISSING_IN_TARGET, List.of(id), List.of("id", "amount"),
                Optional.of(List.of(id, "2.50")), Optional.empty(), List.of("id", "amount"));
    }

    static RowDifference extra(String id) {
        return new RowDifference(RowDifference.Kind.EXTRA_IN_TARGET, List.of(id), List.of("id", "amount"),
                Optional.empty(), Optional.of(List.of(id, "9.00")), List.of("id", "amount"));
    }

    static RowDifference different(String id) {
        return new RowDifference(RowDifference.Kind.DIFFERENT, List.of(id), List.of("id", "amount"),
                Optional.of(List.of(id, "1.00")), Optional.of(Arrays.asList(id, null)), List.of("amount"));
    }

    @Test
    void aCleanFullRunHasExactlyTheDocumentedShape() {
        TableVerdict payments = new TableVerdict("public.payments", 1, 1, 1, 1, 0, 1, List.of(), List.of(),
                Duration.ofMillis(5));
        VerificationReport report = new VerificationReport("m", START, START.plusMillis(123), Scope.full(),
                List.of(payments), Optional.empty(), List.of("the stream was running"));

        assertThat(VerificationJson.toJson(report, 100).toString()).isEqualTo("{\"migration\":\"m\","
                + "\"startedAt\":\"2025-03-01T10:00:00Z\",\"finishedAt\":\"2025-03-01T10:00:00.123Z\","
                + "\"durationMillis\":123,\"scope\":{\"kind\":\"full\"},\"clean\":true,"
                + "\"notes\":[\"the stream was running\"],"
                + "\"tables\":[{\"table\":\"public.payments\",\"sourceRows\":1,\"targetRows\":1,\"chunks\":1,"
                + "\"chunksChecked\":1,\"chunksMatched\":1,\"chunksMismatched\":0,\"rowsChecked\":1,"
                + "\"missingInTarget\":0,\"extraInTarget\":0,\"differing\":0,\"unsettled\":0,\"columnDifferences\":[],\"unsettledKeys\":[],"
                + "\"durationMillis\":5,\"rowsPerSecond\":200.0,\"differences\":[],\"differencesOmitted\":0}]}");
    }

    @Test
    void aSampleCarriesItsSeedAndPromiseAndEveryKindOfDifference() {
        TableVerdict payments = new TableVerdict("public.payments", 100, 99, 10, 2, 1, 20,
                List.of(missing("1"), extra("2"), different("3")), List.of(List.of("k1", "k2")), Duration.ofSeconds(2));
        SamplePromise promise = new SamplePromise(5, 100, 0.99, 0.05, 0.6, 0.00002);
        VerificationReport report = new VerificationReport("m", START, START.plusSeconds(3), Scope.sample(5, 42),
                List.of(payments), Optional.of(promise), List.of());

        JsonNode json = VerificationJson.toJson(report, 100);

        assertThat(json.path("scope").toString()).isEqualTo("{\"kind\":\"sample\",\"percent\":5.0,\"seed\":42}");
        assertThat(json.path("clean").asBoolean()).isFalse();
        assertThat(json.path("promise").toString()).isEqualTo("{\"chunksSampled\":5,\"chunks\":100,\"confidence\":0.99,"
                + "\"rowsFraction\":0.05,\"clusteredFraction\":0.6,\"scatteredFraction\":2.0E-5}");
        JsonNode table = json.path("tables").get(0);
        assertThat(table.path("chunksMatched").asInt()).isEqualTo(1);
        assertThat(table.path("missingInTarget").asLong()).isEqualTo(1);
        assertThat(table.path("extraInTarget").asLong()).isEqualTo(1);
        assertThat(table.path("differing").asLong()).isEqualTo(1);
        assertThat(table.path("unsettled").asInt()).isEqualTo(1);
        assertThat(table.path("unsettledKeys").toString()).isEqualTo("[[\"k1\",\"k2\"]]");
        assertThat(table.path("rowsPerSecond").asDouble()).isEqualTo(10.0);
        assertThat(table.path("differences").get(0).toString()).isEqualTo("{\"kind\":\"MISSING_IN_TARGET\","
                + "\"key\":[\"1\"],\"columns\":[\"id\",\"amount\"],\"source\":[\"1\",\"2.50\"],\"target\":null,"
                + "\"differingColumns\":[\"id\",\"amount\"]}");
        assertThat(table.path("differences").get(1).path("source").isNull()).isTrue();
        assertThat(table.path("differences").get(2).path("target").toString())
                .as("a NULL column is a null entry, unlike an absent row").isEqualTo("[\"3\",null]");
    }

    @Test
    void columnsThatDifferMakeATableUncleanAndAreListedWithBothTypes() {
        TableVerdict payments = new TableVerdict("public.payments", 3, 3, 1, 1, 0, 3, List.of(), List.of(),
                Duration.ofMillis(5), List.of(ColumnDifference.missing("note", "text"),
                ColumnDifference.extra("legacy", "integer"), ColumnDifference.retyped("amount", "numeric(12,2)", "bigint")));
        VerificationReport report = new VerificationReport("m", START, START, Scope.full(), List.of(payments),
                Optional.empty(), List.of());

        JsonNode json = VerificationJson.toJson(report, 100);

        assertThat(payments.clean()).isFalse();
        assertThat(payments.differs()).isTrue();
        assertThat(json.path("clean").asBoolean()).isFalse();
        assertThat(json.path("tables").get(0).path("columnDifferences").toString()).isEqualTo("["
                + "{\"column\":\"note\",\"kind\":\"MISSING_IN_TARGET\",\"sourceType\":\"text\",\"targetType\":null},"
                + "{\"column\":\"legacy\",\"kind\":\"EXTRA_IN_TARGET\",\"sourceType\":null,\"targetType\":\"integer\"},"
                + "{\"column\":\"amount\",\"kind\":\"TYPE_DIFFERS\",\"sourceType\":\"numeric(12,2)\","
                + "\"targetType\":\"bigint\"}]");
    }

    @Test
    void differencesAreCappedButCountsCoverThemAll() {
        TableVerdict orders = new TableVerdict("public.orders", 10, 7, 1, 1, 1, 10,
                List.of(missing("1"), missing("2"), missing("3"), extra("4")), List.of(), Duration.ZERO);
        VerificationReport report = new VerificationReport("m", START, START, Scope.full(), List.of(orders),
                Optional.empty(), List.of());

        JsonNode table = VerificationJson.toJson(report, 2).path("tables").get(0);

        assertThat(table.path("differences")).hasSize(2);
        assertThat(table.path("differencesOmitted").asInt()).isEqualTo(2);
        assertThat(table.path("missingInTarget").asLong()).isEqualTo(3);
        assertThat(table.path("extraInTarget").asLong()).isEqualTo(1);
        assertThat(VerificationJson.toJson(report, 0).path("tables").get(0).path("differencesOmitted").asInt())
                .isEqualTo(4);
        assertThatThrownBy(() -> VerificationJson.toJson(report, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aHundredPercentSampleIsAFullRun() {
        VerificationReport report = new VerificationReport("m", START, START, Scope.sample(100, 7), List.of(),
                Optional.empty(), List.of());

        assertThat(VerificationJson.toJson(report, 1).path("scope").toString()).isEqualTo("{\"kind\":\"full\"}");
    }
}
