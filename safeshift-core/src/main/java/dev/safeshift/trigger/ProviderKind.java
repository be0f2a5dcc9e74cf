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
    ROUTER("router", statementMetrics(), "call", "calls", 50, false),
    /** A SQL query of the plan's, run on the side being read, whose one row holds the value. */
    SQL("sql", statementMetrics(), "sample", "samples", 1, true),
    /** A PromQL query of the plan's, asked of the Prometheus server in {@code cutover.prometheus}. */
    PROMETHEUS("prometheus", statementMetrics(), "sample", "samples", 1, true),
    /** The lag the daemon reports for the change stream, from the control store. */
    LAG("lag", EnumSet.of(Metric.LAG), "report", "reports", 1, false);

    private final String planValue;
    private final Set<Metric> metrics;
    private final String sample;
    private final String samples;
    private final long defaultMinSamples;
    private final boolean runsQuery;

    ProviderKind(String planValue, Set<Metric> metrics, String sample, String samples, long defaultMinSamples,
                 boolean runsQuery) {
        this.planValue = planValue;
        this.metrics = Set.copyOf(metrics);
        this.sample = sample;
        this.samples = samples;
        this.defaultMinSamples = defaultMinSamples;
        this.runsQuery = runsQuery;
    }

    /** The metrics of the application's statements; every one but the stream's lag. */
    private static Set<Metric> statementMetrics() {
        return EnumSet.complementOf(EnumSet.of(Metric.LAG));
    }

    /** The word a plan writes: {@code router}. */
    public String planValue() {
        return planValue;
    }

    /** The metrics this provider can read. */
    public Set<Metric> metrics() {
        return metrics;
    }

    /**
     * The {@code min-samples} of a trigger that does not write one. The router counts statement
     * calls, of which a window holds many; the others read one figure per evaluation unless their
     * query says otherwise, so anything more than 1 would make every evaluation inconclusive.
     */
    public long defaultMinSamples() {
        return defaultMinSamples;
    }

    /** Whether the trigger gives this provider a query of its own to run (SQL or PromQL); it must, if so. */
    public boolean runsQuery() {
        return runsQuery;
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
