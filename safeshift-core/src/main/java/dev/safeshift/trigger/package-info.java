/**
 * Cutover triggers: what a plan's {@code cutover.triggers} say ({@link dev.safeshift.trigger.TriggerSpec},
 * {@link dev.safeshift.trigger.Condition}), where their figures come from (the
 * {@link dev.safeshift.trigger.MetricProvider} SPI and its {@code router}, {@code sql}, {@code prometheus}
 * and {@code lag} implementations, opened for a plan by {@link dev.safeshift.trigger.MetricProviders}), and how each
 * evaluation is judged ({@link dev.safeshift.trigger.TriggerEvaluator}). Judging is kept apart from reading
 * so that the rules hold the same for every provider and are tested without a database.
 */
package dev.safeshift.trigger;
