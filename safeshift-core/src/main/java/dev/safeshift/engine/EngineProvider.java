package dev.safeshift.engine;

import dev.safeshift.plan.Endpoint;

/**
 * Found with {@link java.util.ServiceLoader}: each database product registers one, and the engine
 * for a plan is chosen by the JDBC URL of its source and target.
 */
public interface EngineProvider {

    /** Human name of the product, e.g. {@code PostgreSQL}. */
    String name();

    /** Whether this provider can move data between these two URLs. */
    boolean accepts(String sourceUrl, String targetUrl);

    Engine create(Endpoint source, Endpoint target);
}
