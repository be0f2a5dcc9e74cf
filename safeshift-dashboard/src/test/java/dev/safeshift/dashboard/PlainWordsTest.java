package dev.safeshift.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import dev.safeshift.store.Phase;
import dev.safeshift.store.TimelineEvent;
import dev.safeshift.store.TriggerRecord;
import dev.safeshift.trigger.Condition;
import dev.safeshift.trigger.Metric;
import dev.safeshift.trigger.OnInconclusive;
import dev.safeshift.trigger.ProviderKind;
import dev.safeshift.trigger.TriggerAction;
import dev.safeshift.trigger.TriggerSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class PlainWordsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void theStatusWordPutsRollingBackAndDoneBeforeProblemsAndAStoppedDaemonFirstOfThem() {
        assertThat(StatusWord.of(Phase.COMPLETED, false, List.of("x")).word()).isEqualTo(StatusWord.DONE);
        assertThat(StatusWord.of(Phase.ROLLING_BACK, true, List.of()).word()).isEqualTo(StatusWord.ROLLING_BACK);
        assertThat(StatusWord.of(Phase.STREAMING, false, List.of()).word()).isEqualTo(StatusWord.AT_RISK);
        assertThat(StatusWord.of(Phase.STREAMING, true, List.of("The last check found differences.")))
                .isEqualTo(new StatusWord(StatusWord.AT_RISK, "The last check found differences."));
        assertThat(StatusWord.of(Phase.BACKFILL, true, List.of()).word()).isEqualTo(StatusWord.ON_TRACK);
        assertThat(StatusWord.of(Phase.PLANNED, false, List.of()).word()).isEqualTo(StatusWord.ON_TRACK);
    }

    @Test
    void saysEventsAndTriggersInWords() {
        assertThat(PlainWords.of(event("phase", "{\"from\":\"BACKFILL\",\"to\":\"STREAMING\",\"detail\":\"backfill complete\"}")))
                .isEqualTo("Moved from copying rows to copying changes: backfill complete.");
        assertThat(PlainWords.of(event("signoff", "{\"name\":\"Ada Lovelace\",\"role\":\"finance\"}")))
                .isEqualTo("Ada Lovelace signed off as finance.");
        assertThat(PlainWords.of(event("plan-replaced", "{}"))).isEqualTo("Plan replaced.");
        assertThat(PlainWords.of(event("verification", "not json"))).isEqualTo("A check found differences between the databases.");

        TriggerSpec errors = new TriggerSpec("errors", Metric.ERROR_RATE, ProviderKind.ROUTER, Optional.empty(),
                Optional.empty(), Condition.parse("> 2%", Metric.ERROR_RATE), Duration.ofSeconds(10), Duration.ofMinutes(1),
                50, 3, TriggerAction.ROLLBACK, Optional.empty(), Optional.of(Duration.ofMinutes(2)), OnInconclusive.WAIT);
        TriggerRecord reading = new TriggerRecord("errors", NOW, "PASS", OptionalDouble.of(0.4), OptionalDouble.of(2), 80, 0,
                false, "");
        assertThat(TriggerSentence.of(errors, Optional.of(reading))).isEqualTo("Error rate 0.4% \u2014 rolls back above 2%");
        assertThat(TriggerSentence.of(errors, Optional.empty())).isEqualTo("Error rate no reading yet \u2014 rolls back above 2%");
    }

    private static TimelineEvent event(String kind, String detail) {
        return new TimelineEvent(1, NOW, kind, "ana", detail, "0", "1");
    }
}
