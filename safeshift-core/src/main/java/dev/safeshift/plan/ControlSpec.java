package dev.safeshift.plan;

import java.util.Optional;

/** Where the control store lives. Without an endpoint it lives in the target database. */
public record ControlSpec(Optional<Endpoint> endpoint, String schema) {

    public static final String DEFAULT_SCHEMA = "safeshift";
}
