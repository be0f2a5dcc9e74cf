package dev.safeshift.postgres.check.trace;

/** The trace on the project's embedded PostgreSQL 14. */
class LockTracerPg14IT extends LockTracerContract {

    @Override
    int major() {
        return 14;
    }

    @Override
    TraceServer server() {
        return TraceServer.EMBEDDED_14;
    }
}
