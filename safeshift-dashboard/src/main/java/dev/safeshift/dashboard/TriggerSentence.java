package dev.safeshift.dashboard;

import dev.safeshift.store.TriggerRecord;
import dev.safeshift.trigger.TriggerSpec;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/** A trigger as the dashboard says it: "Error rate 0.4% — rolls back above 2%". */
final class TriggerSentence {

    private TriggerSentence() {
    }

    static String of(TriggerSpec trigger, Optional<TriggerRecord> latest) {
        String unit = trigger.metric().unit().symbol();
        String label = trigger.metric().label();
        String now = latest.filter(r -> r.value().isPresent())
                .map(r -> number(r.value().getAsDouble()) + unit).orElse("no reading yet");
        String threshold = latest.filter(r -> r.threshold().isPresent())
                .map(r -> number(r.threshold().getAsDouble()) + unit)
                .orElse(trigger.condition().relative() ? trigger.condition().toString().replaceFirst("^[<>=]+ ", "")
                        : number(trigger.condition().amount()) + unit);
        String action = switch (trigger.action()) {
            case ROLLBACK -> "rolls back";
            case PAUSE -> "holds the window";
            case ALERT -> "alerts";
        };
        return Character.toUpperCase(label.charAt(0)) + label.substring(1) + " " + now + " \u2014 " + action + " "
                + trigger.condition().operator().words() + " " + threshold;
    }

    static String number(double value) {
        return BigDecimal.valueOf(value).setScale(2, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString();
    }
}
