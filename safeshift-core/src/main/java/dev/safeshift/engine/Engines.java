package dev.safeshift.engine;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Chooses the engine for a source and target by their JDBC URLs. */
public final class Engines {

    private Engines() {
    }

    public static Engine forEndpoints(Endpoint source, Endpoint target) {
        ServiceLoader<EngineProvider> providers = ServiceLoader.load(EngineProvider.class);
        for (EngineProvider provider : providers) {
            if (provider.accepts(source.url(), target.url())) {
                return provider.create(source, target);
            }
        }
        String known = providers.stream().map(p -> p.get().name()).collect(Collectors.joining(", "));
        throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN,
                "No engine can move from " + source.redactedUrl() + " to " + target.redactedUrl()
                        + ". Supported: " + (known.isEmpty() ? "none installed" : known)
                        + ". Use jdbc:postgresql:// URLs for both source and target.");
    }
}
