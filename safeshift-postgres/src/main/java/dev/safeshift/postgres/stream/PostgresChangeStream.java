package dev.safeshift.postgres.stream;

import dev.safeshift.engine.ChangeStream;
import dev.safeshift.engine.StreamProgress;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import java.util.List;
import java.util.Optional;

/** Placeholder until the Debezium stream lands. */
public final class PostgresChangeStream implements ChangeStream {
    public PostgresChangeStream(Endpoint source, Endpoint target, String captureName, List<TableMove> moves) {
    }
    public void start() { throw new UnsupportedOperationException(); }
    public StreamProgress progress() { return new StreamProgress(Optional.empty(), 0, Optional.empty(), 0, 0); }
    public Optional<Throwable> failure() { return Optional.empty(); }
    public boolean isRunning() { return false; }
    public void close() { }
}
