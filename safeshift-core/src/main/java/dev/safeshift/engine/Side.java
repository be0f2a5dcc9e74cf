package dev.safeshift.engine;

/** Which of a migration's two databases an operation reads. */
public enum Side {
    SOURCE, TARGET;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
