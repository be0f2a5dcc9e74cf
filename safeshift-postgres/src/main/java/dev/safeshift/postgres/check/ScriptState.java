package dev.safeshift.postgres.check;

import dev.safeshift.plan.QualifiedName;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the statements so far have done to the session that runs the script: whether a
 * transaction block is open, whether a lock timeout is set, which tables the script created and
 * which locks the open transaction still holds. Statements outside a block each run in their own
 * transaction, so only a block accumulates locks.
 */
final class ScriptState {

    private boolean inBlock;
    private int blockStart;
    private boolean sessionLockTimeout;
    private boolean localLockTimeout;
    private final Set<QualifiedName> created = new TreeSet<>(java.util.Comparator.comparing(QualifiedName::toString));
    /** Existing tables the open block holds ACCESS EXCLUSIVE on, with the statement that took it. */
    private final Map<QualifiedName, Integer> accessExclusive = new LinkedHashMap<>();
    /** Existing tables whose schema the open block changed under a lock that blocks writes, with that lock. */
    private final Map<QualifiedName, LockMode> schemaChanged = new LinkedHashMap<>();
    /** Constraints the open block added NOT VALID, as table and constraint name. */
    private final Set<List<String>> addedNotValid = new java.util.HashSet<>();
    private final Map<List<String>, SchemaFacts.Volatility> createdFunctions = new HashMap<>();
    /** CHECK constraints added NOT VALID that prove columns not null once validated: table and name to columns. */
    private final Map<List<String>, Set<String>> notNullChecks = new HashMap<>();
    /** Columns proven not null by a CHECK the script added and validated, as table and column. */
    private final Set<List<String>> provenNotNull = new java.util.HashSet<>();
    /** Constraints the script added: table and name to kind and referenced table. */
    private final Map<List<String>, AddedConstraint> addedConstraints = new HashMap<>();
    /** Indexes the script created, with their tables. */
    private final Map<QualifiedName, QualifiedName> createdIndexes = new HashMap<>();

    /** A constraint an earlier statement of the script added. */
    record AddedConstraint(SchemaFacts.ConstraintKind kind, Optional<QualifiedName> references) {
    }

    boolean inBlock() {
        return inBlock;
    }

    int blockStart() {
        return blockStart;
    }

    void begin(int statement) {
        inBlock = true;
        blockStart = statement;
    }

    /** COMMIT or ROLLBACK: the block's locks are released and SET LOCAL settings end. */
    void end() {
        inBlock = false;
        localLockTimeout = false;
        accessExclusive.clear();
        schemaChanged.clear();
        addedNotValid.clear();
    }

    boolean lockTimeout() {
        return sessionLockTimeout || localLockTimeout;
    }

    void lockTimeout(boolean set, boolean local) {
        if (local) {
            // SET LOCAL outside a block has no effect; inside one it lasts until the block ends.
            localLockTimeout = inBlock && set;
        } else {
            sessionLockTimeout = set;
            localLockTimeout = localLockTimeout && set;
        }
    }

    void created(QualifiedName table) {
        created.add(table);
    }

    boolean isCreated(QualifiedName table) {
        return created.contains(table);
    }

    Map<QualifiedName, Integer> accessExclusive() {
        return accessExclusive;
    }

    Map<QualifiedName, LockMode> schemaChanged() {
        return schemaChanged;
    }

    /** Records what a statement inside the block went on holding until the block ends. */
    void held(QualifiedName table, LockMode lock, boolean schemaChange, int statement) {
        if (!inBlock) {
            return;
        }
        if (lock == LockMode.ACCESS_EXCLUSIVE) {
            accessExclusive.putIfAbsent(table, statement);
        }
        if (schemaChange && lock.blocksWrites()) {
            schemaChanged.merge(table, lock, (a, b) -> a.compareTo(b) >= 0 ? a : b);
        }
    }

    void addedNotValid(QualifiedName table, String constraint) {
        if (inBlock) {
            addedNotValid.add(List.of(table.toString(), constraint));
        }
    }

    boolean wasAddedNotValid(QualifiedName table, String constraint) {
        return addedNotValid.contains(List.of(table.toString(), constraint));
    }

    /** A CHECK constraint the script added that proves {@code columns} not null once it is validated. */
    void notNullCheck(QualifiedName table, String constraint, Set<String> columns, boolean validated) {
        if (validated) {
            columns.forEach(c -> provenNotNull.add(List.of(table.toString(), c)));
        } else {
            notNullChecks.put(List.of(table.toString(), constraint), Set.copyOf(columns));
        }
    }

    void validated(QualifiedName table, String constraint) {
        Set<String> columns = notNullChecks.remove(List.of(table.toString(), constraint));
        if (columns != null) {
            columns.forEach(c -> provenNotNull.add(List.of(table.toString(), c)));
        }
    }

    boolean provenNotNull(QualifiedName table, String column) {
        return provenNotNull.contains(List.of(table.toString(), column));
    }

    void addedConstraint(QualifiedName table, String name, AddedConstraint constraint) {
        addedConstraints.put(List.of(table.toString(), name), constraint);
    }

    Optional<AddedConstraint> addedConstraint(QualifiedName table, String name) {
        return Optional.ofNullable(addedConstraints.get(List.of(table.toString(), name)));
    }

    void createdIndex(QualifiedName index, QualifiedName table) {
        createdIndexes.put(index, table);
    }

    Optional<QualifiedName> createdIndexTable(String schema, String index) {
        return Optional.ofNullable(createdIndexes.get(new QualifiedName(schema, index)));
    }

    void createdFunction(List<String> name, SchemaFacts.Volatility volatility) {
        createdFunctions.put(List.copyOf(name), volatility);
    }

    Optional<SchemaFacts.Volatility> createdFunction(List<String> name) {
        return Optional.ofNullable(createdFunctions.get(name.size() == 2 ? List.of(name.get(1)) : name))
                .or(() -> Optional.ofNullable(createdFunctions.get(name)));
    }
}
