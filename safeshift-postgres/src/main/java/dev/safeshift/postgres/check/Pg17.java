package dev.safeshift.postgres.check;

import dev.safeshift.postgres.parse.PgNode;
import java.util.Optional;

/**
 * The enums of PostgreSQL 17's parse nodes that the rules read. The parser server prints an enum
 * field as its position in the C declaration, so each Java enum below lists the values in exactly
 * the order of {@code src/include/nodes/parsenodes.h} (and, for {@link CmdType},
 * {@code src/include/nodes/nodes.h}) at REL_17_STABLE: a value's ordinal is the number printed.
 * Pg17IT parses one statement per value the rules use and checks its number, so a list that
 * drifts from the server fails a test rather than a review.
 */
final class Pg17 {

    private Pg17() {
    }

    /** The enum value printed in {@code field} of {@code node}, empty when absent or out of range. */
    static <E extends Enum<E>> Optional<E> value(Class<E> type, PgNode node, String field) {
        Optional<String> text = node.text(field);
        if (text.isEmpty()) {
            return Optional.empty();
        }
        int ordinal;
        try {
            ordinal = Integer.parseInt(text.get());
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        E[] values = type.getEnumConstants();
        return ordinal >= 0 && ordinal < values.length ? Optional.of(values[ordinal]) : Optional.empty();
    }

    /** {@code CmdType} (nodes.h): what a {@code QUERY} does. */
    enum CmdType {
        UNKNOWN, SELECT, UPDATE, INSERT, DELETE, MERGE, UTILITY, NOTHING
    }

    /** {@code AlterTableType}: the subtype of an {@code ALTERTABLECMD}. */
    enum AlterTableType {
        ADD_COLUMN, ADD_COLUMN_TO_VIEW, COLUMN_DEFAULT, COOKED_COLUMN_DEFAULT, DROP_NOT_NULL, SET_NOT_NULL,
        SET_EXPRESSION, DROP_EXPRESSION, CHECK_NOT_NULL, SET_STATISTICS, SET_OPTIONS, RESET_OPTIONS, SET_STORAGE,
        SET_COMPRESSION, DROP_COLUMN, ADD_INDEX, RE_ADD_INDEX, ADD_CONSTRAINT, RE_ADD_CONSTRAINT,
        RE_ADD_DOMAIN_CONSTRAINT, ALTER_CONSTRAINT, VALIDATE_CONSTRAINT, ADD_INDEX_CONSTRAINT, DROP_CONSTRAINT,
        RE_ADD_COMMENT, ALTER_COLUMN_TYPE, ALTER_COLUMN_GENERIC_OPTIONS, CHANGE_OWNER, CLUSTER_ON, DROP_CLUSTER,
        SET_LOGGED, SET_UNLOGGED, DROP_OIDS, SET_ACCESS_METHOD, SET_TABLESPACE, SET_REL_OPTIONS, RESET_REL_OPTIONS,
        REPLACE_REL_OPTIONS, ENABLE_TRIG, ENABLE_ALWAYS_TRIG, ENABLE_REPLICA_TRIG, DISABLE_TRIG, ENABLE_TRIG_ALL,
        DISABLE_TRIG_ALL, ENABLE_TRIG_USER, DISABLE_TRIG_USER, ENABLE_RULE, ENABLE_ALWAYS_RULE, ENABLE_REPLICA_RULE,
        DISABLE_RULE, ADD_INHERIT, DROP_INHERIT, ADD_OF, DROP_OF, REPLICA_IDENTITY, ENABLE_ROW_SECURITY,
        DISABLE_ROW_SECURITY, FORCE_ROW_SECURITY, NO_FORCE_ROW_SECURITY, GENERIC_OPTIONS, ATTACH_PARTITION,
        DETACH_PARTITION, DETACH_PARTITION_FINALIZE, ADD_IDENTITY, SET_IDENTITY, DROP_IDENTITY, RE_ADD_STATISTICS
    }

    /** {@code ConstrType}: the kind of a {@code CONSTRAINT} node (column defaults are constraints too). */
    enum ConstrType {
        NULL, NOT_NULL, DEFAULT, IDENTITY, GENERATED, CHECK, PRIMARY, UNIQUE, EXCLUSION, FOREIGN,
        ATTR_DEFERRABLE, ATTR_NOT_DEFERRABLE, ATTR_DEFERRED, ATTR_IMMEDIATE
    }

    /** {@code ObjectType}: what a DROP, RENAME or ALTER ... SET SCHEMA is about. */
    enum ObjectType {
        ACCESS_METHOD, AGGREGATE, AMOP, AMPROC, ATTRIBUTE, CAST, COLUMN, COLLATION, CONVERSION, DATABASE, DEFAULT,
        DEFACL, DOMAIN, DOMCONSTRAINT, EVENT_TRIGGER, EXTENSION, FDW, FOREIGN_SERVER, FOREIGN_TABLE, FUNCTION, INDEX,
        LANGUAGE, LARGEOBJECT, MATVIEW, OPCLASS, OPERATOR, OPFAMILY, PARAMETER_ACL, POLICY, PROCEDURE, PUBLICATION,
        PUBLICATION_NAMESPACE, PUBLICATION_REL, ROLE, ROUTINE, RULE, SCHEMA, SEQUENCE, SUBSCRIPTION, STATISTIC_EXT,
        TABCONSTRAINT, TABLE, TABLESPACE, TRANSFORM, TRIGGER, TSCONFIGURATION, TSDICTIONARY, TSPARSER, TSTEMPLATE,
        TYPE, USER_MAPPING, VIEW
    }

    /** {@code DropBehavior}: RESTRICT or CASCADE. */
    enum DropBehavior {
        RESTRICT, CASCADE
    }

    /** {@code TransactionStmtKind}. */
    enum TransactionStmtKind {
        BEGIN, START, COMMIT, ROLLBACK, SAVEPOINT, RELEASE, ROLLBACK_TO, PREPARE, COMMIT_PREPARED, ROLLBACK_PREPARED
    }

    /** {@code VariableSetKind}: SET, SET ... TO DEFAULT, RESET and their relatives. */
    enum VariableSetKind {
        SET_VALUE, SET_DEFAULT, SET_CURRENT, SET_MULTI, RESET, RESET_ALL
    }

    /** {@code ReindexObjectType}. */
    enum ReindexObjectType {
        INDEX, TABLE, SCHEMA, SYSTEM, DATABASE
    }
}
