package dev.safeshift.store;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Redaction;
import java.util.ServiceLoader;
import java.util.stream.Collectors;

/** Finds the {@link StoreDialect} for a control store's JDBC URL. */
public final class StoreDialects {

    private StoreDialects() {
    }

    /** The installed dialect that serves {@code jdbcUrl}, or a failure naming the installed ones. */
    public static StoreDialect forUrl(String jdbcUrl) {
        ServiceLoader<StoreDialect> dialects = ServiceLoader.load(StoreDialect.class);
        for (StoreDialect dialect : dialects) {
            if (dialect.serves(jdbcUrl)) {
                return dialect;
            }
        }
        String installed = dialects.stream().map(d -> d.get().name()).collect(Collectors.joining(", "));
        throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN, "no control store dialect serves "
                + Redaction.redactUrl(jdbcUrl) + " (installed: " + (installed.isEmpty() ? "none" : installed)
                + "). Keep the control store in a database of an installed dialect (control: in the plan),"
                + " or put the engine module of that database on the class path.");
    }
}
