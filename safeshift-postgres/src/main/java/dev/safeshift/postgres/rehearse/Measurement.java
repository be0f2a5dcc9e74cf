package dev.safeshift.postgres.rehearse;

/**
 * One timed run of a step on a sample.
 *
 * @param scale   the share of the production table's rows the sample was drawn with (0.01 is 1%)
 * @param rows    the rows the sample table really held
 * @param seconds how long the step took
 */
public record Measurement(double scale, long rows, double seconds) {
}
