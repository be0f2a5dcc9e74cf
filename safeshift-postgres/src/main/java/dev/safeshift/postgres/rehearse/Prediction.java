package dev.safeshift.postgres.rehearse;

/**
 * A predicted duration at production size.
 *
 * @param seconds the fitted model's value
 * @param low     the lower end of the interval
 * @param high    the upper end, which the verdict is judged on
 */
public record Prediction(double seconds, double low, double high) {

    public Prediction plus(Prediction other) {
        return new Prediction(seconds + other.seconds, low + other.low, high + other.high);
    }
}
