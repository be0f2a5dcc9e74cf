package dev.safeshift.router;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A connection of one side, as the application sees it: every statement it runs is timed under its
 * query pattern, and closing it tells the router that its transaction on that side has ended.
 * Built as a dynamic proxy so that every JDBC method the driver offers passes through unchanged.
 */
final class InstrumentedConnection implements InvocationHandler {

    static final QueryPattern COMMIT = QueryPattern.of("COMMIT");
    static final QueryPattern ROLLBACK = QueryPattern.of("ROLLBACK");

    private final Connection physical;
    private final Route side;
    private final RouteGate gate;
    private final PatternMetrics metrics;
    private RoutedConnection self;
    private boolean closed;

    private InstrumentedConnection(Connection physical, Route side, RouteGate gate, PatternMetrics metrics) {
        this.physical = physical;
        this.side = side;
        this.gate = gate;
        this.metrics = metrics;
    }

    static RoutedConnection wrap(Connection physical, Route side, RouteGate gate, PatternMetrics metrics) {
        InstrumentedConnection handler = new InstrumentedConnection(physical, side, gate, metrics);
        handler.self = (RoutedConnection) Proxy.newProxyInstance(RoutedConnection.class.getClassLoader(),
                new Class<?>[] {RoutedConnection.class}, handler);
        return handler.self;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
        switch (method.getName()) {
            case "side":
                return side;
            case "close":
                close();
                return null;
            case "isClosed":
                return closed || physical.isClosed();
            case "equals":
                return proxy == args[0];
            case "hashCode":
                return System.identityHashCode(proxy);
            case "toString":
                return "RoutedConnection[" + side + ", " + physical + "]";
            case "commit":
                return timed(COMMIT, method, args);
            case "rollback":
                return args == null ? timed(ROLLBACK, method, null) : call(method, args);
            default:
                break;
        }
        Object result = call(method, args);
        if (result instanceof Statement statement) {
            String sql = args != null && args.length > 0 && args[0] instanceof String text ? text : null;
            return InstrumentedStatement.wrap(statement, interfaceOf(statement), sql, side, metrics, self);
        }
        return result;
    }

    private Object timed(QueryPattern pattern, Method method, Object[] args) throws Throwable {
        long started = System.nanoTime();
        boolean failed = true;
        try {
            Object result = call(method, args);
            failed = false;
            return result;
        } finally {
            metrics.record(side, pattern, System.nanoTime() - started, failed);
        }
    }

    private Object call(Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(physical, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }

    private synchronized void close() throws SQLException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            physical.close();
        } finally {
            gate.leave(side);
        }
    }

    private static Class<? extends Statement> interfaceOf(Statement statement) {
        if (statement instanceof CallableStatement) {
            return CallableStatement.class;
        }
        return statement instanceof PreparedStatement ? PreparedStatement.class : Statement.class;
    }
}
