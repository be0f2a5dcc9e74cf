package dev.safeshift.postgres.check.trace;

/** The trace on the machine's PostgreSQL 15. */
class LockTracerPg15IT extends LockTracerContract {

    @Override
    int major() {
        return 15;
    }

    @Override
    TraceServer server() {
        return TraceServer.LOCAL_15;
    }
}
