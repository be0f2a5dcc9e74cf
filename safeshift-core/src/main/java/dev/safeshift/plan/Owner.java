package dev.safeshift.plan;

/** A named person accountable for part of the migration. */
public record Owner(String name, String role, String contact) {
}
