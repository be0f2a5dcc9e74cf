package dev.safeshift.engine;

import java.util.Optional;

/**
 * A column that the source's compared columns and the target table do not have alike: missing in
 * the target, extra in the target, or of another type there. Types are as the engine prints them.
 */
public record ColumnDifference(String column, Kind kind, Optional<String> sourceType, Optional<String> targetType) {

    public enum Kind { MISSING_IN_TARGET, EXTRA_IN_TARGET, TYPE_DIFFERS }

    public static ColumnDifference missing(String column, String sourceType) {
        return new ColumnDifference(column, Kind.MISSING_IN_TARGET, Optional.of(sourceType), Optional.empty());
    }

    public static ColumnDifference extra(String column, String targetType) {
        return new ColumnDifference(column, Kind.EXTRA_IN_TARGET, Optional.empty(), Optional.of(targetType));
    }

    public static ColumnDifference retyped(String column, String sourceType, String targetType) {
        return new ColumnDifference(column, Kind.TYPE_DIFFERS, Optional.of(sourceType), Optional.of(targetType));
    }

    /** How a report says it, e.g. {@code note: missing in target (text)}. */
    public String describe() {
        return switch (kind) {
            case MISSING_IN_TARGET -> column + ": missing in target (" + sourceType.orElse("?") + ")";
            case EXTRA_IN_TARGET -> column + ": extra in target (" + targetType.orElse("?") + ")";
            case TYPE_DIFFERS -> column + ": " + sourceType.orElse("?") + " in source, " + targetType.orElse("?") + " in target";
        };
    }
}
