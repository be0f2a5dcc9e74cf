package dev.safeshift.postgres.change;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.safeshift.SafeshiftException;
import dev.safeshift.jdbc.Connections;
import dev.safeshift.plan.Plan;
import dev.safeshift.store.ControlStore;
import dev.safeshift.store.MigrationRecord;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The control store's record of a change (a plan that changes the source in place), which its
 * runs and rehearsals write their timeline to. It is registered by whichever comes first.
 */
public final class ChangeRecord {

    /** How the record of a change is told from a move's in the control store. */
    static final String CHANGE_KIND = "change";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ChangeRecord() {
    }

    /**
     * The record of {@code plan}'s change, registered when there is none. A record of the same name
     * that is not a change (a move's, in a store several plans share) is not taken over: its timeline
     * would mix with this change's, and steps recorded there would be skipped as done.
     */
    public static MigrationRecord own(ControlStore store, Plan plan) {
        Optional<MigrationRecord> found = store.find(plan.name());
        if (found.isEmpty()) {
            return store.register(plan.name(), JSON.createObjectNode().put("kind", CHANGE_KIND).toString());
        }
        return requireChange(store, plan, found.get());
    }

    /**
     * Whether {@code plan}'s control store exists, asked without creating it: for a plan without a
     * target it lives in the source database, where reading commands must not make a schema.
     *
     * @throws SafeshiftException when the store's database cannot be reached
     */
    public static boolean storeExists(Plan plan) {
        try (Connection connection = Connections.open(plan.controlEndpoint(), "control store");
             PreparedStatement exists = connection.prepareStatement("SELECT to_regclass(format('%I.timeline', ?::text))")) {
            exists.setString(1, plan.control().schema());
            try (ResultSet rows = exists.executeQuery()) {
                return rows.next() && rows.getString(1) != null;
            }
        } catch (SQLException e) {
            throw new SafeshiftException(SafeshiftException.Kind.UNREACHABLE, "could not look for the control store "
                    + "at " + plan.controlEndpoint().redactedUrl() + ": " + e.getMessage(), e);
        }
    }

    /** The record of {@code plan}'s change if one was registered. */
    public static Optional<MigrationRecord> find(ControlStore store, Plan plan) {
        return store.find(plan.name()).map(record -> requireChange(store, plan, record));
    }

    private static MigrationRecord requireChange(ControlStore store, Plan plan, MigrationRecord record) {
        String kind;
        try {
            kind = JSON.readTree(store.planJson(record.id()).orElse("{}")).path("kind").asText();
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            kind = "";
        }
        if (!CHANGE_KIND.equals(kind)) {
            throw new SafeshiftException(SafeshiftException.Kind.IN_USE, "the control store already has a migration "
                    + "named '" + plan.name() + "' that is not this change (a move, or an earlier plan of that name); "
                    + "give the change a name of its own");
        }
        return record;
    }
}
