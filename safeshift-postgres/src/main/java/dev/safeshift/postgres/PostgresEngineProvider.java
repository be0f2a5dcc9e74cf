package dev.safeshift.postgres;

import dev.safeshift.engine.Engine;
import dev.safeshift.engine.EngineProvider;
import dev.safeshift.plan.Endpoint;

/** Registers the PostgreSQL engine for {@code jdbc:postgresql:} sources and targets. */
public final class PostgresEngineProvider implements EngineProvider {

    private static final String PREFIX = "jdbc:postgresql:";

    @Override
    public String name() {
        return "PostgreSQL";
    }

    @Override
    public boolean accepts(String sourceUrl, String targetUrl) {
        return sourceUrl.startsWith(PREFIX) && targetUrl.startsWith(PREFIX);
    }

    @Override
    public Engine create(Endpoint source, Endpoint target) {
        return new PostgresEngine(source, target);
    }
}
