package dev.safeshift.router;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Statement;

/**
 * A statement whose executions are timed and counted under their query pattern: the SQL it was
 * prepared with, or the SQL passed to {@code execute}. A failed execution counts as an error.
 */
final class InstrumentedStatement implements InvocationHandler {

    /** A batch of plain statements with different SQL is counted under its first statement's pattern. */
    private static final QueryPattern UNKNOWN = QueryPattern.of("(statement without SQL)");

    private final Statement physical;
    private final QueryPattern prepared;
    private final Route side;
    private final PatternMetrics metrics;
    private final Connection connection;
    private QueryPattern batch;

    private InstrumentedStatement(Statement physical, QueryPattern prepared, Route side, PatternMetrics metrics,
                                  Connection connection) {
        this.physical = physical;
        this.prepared = prepared;
        this.side = side;
        this.metrics = metrics;
        this.connection = connection;
    }

    static Statement wrap(Statement physical, Class<? extends Statement> type, String preparedSql, Route side,
                          PatternMetrics metrics, Connection connection) {
        QueryPattern prepared = preparedSql == null ? null : QueryPattern.of(preparedSql);
        return (Statement) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                new InstrumentedStatement(physical, prepared, side, metrics, connection));
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        String name = method.getName();
        switch (name) {
            case "getConnection":
                return connection;
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "InstrumentedStatement[" + physical + "]";
            case "addBatch":
                if (batch == null && args != null && args.length == 1 && args[0] instanceof String sql) {
                    batch = QueryPattern.of(sql);
                }
                return call(method, args);
            case "clearBatch":
                batch = null;
                return call(method, args);
            default:
                break;
        }
        if (!name.startsWith("execute")) {
            return call(method, args);
        }
        QueryPattern pattern = patternOf(name, args);
        long started = System.nanoTime();
        boolean failed = true;
        try {
            Object result = call(method, args);
            failed = false;
            return result;
        } finally {
            metrics.record(side, pattern, System.nanoTime() - started, failed);
            if (name.endsWith("Batch")) {
                batch = null;
            }
        }
    }

    private QueryPattern patternOf(String method, Object[] args) {
        if (args != null && args.length > 0 && args[0] instanceof String sql) {
            return QueryPattern.of(sql);
        }
        if (prepared != null) {
            return prepared;
        }
        return method.endsWith("Batch") && batch != null ? batch : UNKNOWN;
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(physical, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
