package dev.safeshift.trigger;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Where a trigger's figures come from, by the name a plan writes. Each kind names the metrics it
 * offers and what its samples are, so a plan that asks a provider for a metric it does not have is
 * refused when it is loaded, and sentences about too few samples use the provider's own word.
 */
public enum ProviderKind {
    /** The routing DataSource of safeshift-jdbc, through the samples it writes to the control store. */
    ROUTER("router", EnumSet.allOf(Metric.class), "call", "calls");

    private final String planValue;
    private final Set<Metric> metrics;
    private final String sample;
    private final String samples;

    ProviderKind(String planValue, Set<Metric> metrics, String sample, String samples) {
        this.planValue = planValue;
        this.metrics = Set.copyOf(metrics);
        this.sample = sample;
        this.samples = samples;
    }

    /** The word a plan writes: {@code router}. */
    public String planValue() {
        return planValue;
    }

    /** The metrics this provider can read. */
    public Set<Metric> metrics() {
        return metrics;
    }

    /** A count of this provider's samples in words: "1 call", "412 calls". */
    public String samples(long count) {
        return count + " " + (count == 1 ? sample : samples);
    }

    /** Every plan value, in the order they are documented. */
    public static List<String> planValues() {
        return Arrays.stream(values()).map(ProviderKind::planValue).toList();
    }

    /** The provider a plan's word stands for; the schema check has made sure it is one of them. */
    public static ProviderKind ofPlanValue(String value) {
        return Arrays.stream(values()).filter(p -> p.planValue.equals(value)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("a provider is one of " + planValues() + ", not " + value));
    }
}
