package dev.safeshift.postgres.stream;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import org.postgresql.PGProperty;

/**
 * Builds the embedded Debezium PostgreSQL connector configuration for one capture.
 *
 * <p>The resume point is the replication slot, not Debezium's offset store: offsets live in memory
 * only, and on start the server streams from the slot's {@code confirmed_flush_lsn}. The slot only
 * advances when Debezium commits offsets, which happens after the stream has committed the changes
 * to the target; anything replayed after a crash is recognised by the target's applied position.
 */
final class DebeziumConfig {


    /** Heartbeats let offsets (and so the slot) move on while the moved tables are idle. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(20);
    private static final Duration HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    /** How soon a committed batch is confirmed to the slot; short, as offsets cost nothing in memory. */
    private static final Duration OFFSET_FLUSH_INTERVAL = Duration.ofMillis(500);
    /** Attaching is retried briefly: the stream checks beforehand that the slot is free. */
    private static final int SLOT_RETRIES = 3;
    private static final Duration SLOT_RETRY_DELAY = Duration.ofSeconds(2);

    private final Endpoint source;
    private final String captureName;
    private final List<TableMove> moves;

    DebeziumConfig(Endpoint source, String captureName, List<TableMove> moves) {
        this.source = source;
        this.captureName = captureName;
        this.moves = List.copyOf(moves);
    }

    Properties build() {
        JdbcTarget url = JdbcTarget.parse(source.url());
        Properties p = new Properties();
        p.setProperty("name", "safeshift-" + captureName);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        // Topic names never leave the process, but Debezium also names its metrics (JMX) after the
        // prefix: two streams in one process with one prefix make the second wait a minute for names.
        p.setProperty("topic.prefix", captureName);
        // Offsets in memory only: the slot is the durable resume point (see class comment).
        p.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", Long.toString(OFFSET_FLUSH_INTERVAL.toMillis()));

        p.setProperty("database.hostname", url.host());
        p.setProperty("database.port", Integer.toString(url.port()));
        p.setProperty("database.dbname", url.database().isEmpty() ? source.user() : url.database());
        p.setProperty("database.user", source.user());
        source.password().or(() -> java.util.Optional.ofNullable(url.parameters().get("password")))
                .ifPresent(password -> p.setProperty("database.password", password));
        for (String ssl : List.of("sslmode", "sslrootcert", "sslcert", "sslkey", "sslpassword")) {
            String value = url.parameters().get(ssl);
            if (value != null) {
                p.setProperty("database." + ssl, value);
            }
        }

        // The engine created slot and publication before the backfill; never create or drop them here.
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", captureName);
        p.setProperty("publication.name", captureName);
        p.setProperty("publication.autocreate.mode", "disabled");
        p.setProperty("slot.drop.on.stop", "false");
        p.setProperty("slot.max.retries", Integer.toString(SLOT_RETRIES));
        p.setProperty("slot.retry.delay.ms", Long.toString(SLOT_RETRY_DELAY.toMillis()));
        // The backfill copies the data; Debezium only reads the catalog and then streams.
        p.setProperty("snapshot.mode", "no_data");
        p.setProperty("snapshot.locking.mode", "none");
        p.setProperty("table.include.list", tableIncludeList(moves));

        // TRUNCATE must arrive (Debezium skips it by default); deletes need no Kafka tombstones.
        p.setProperty("skipped.operations", "none");
        p.setProperty("tombstones.on.delete", "false");
        // BEGIN/END records let the applier commit whole source transactions (exactly-once key).
        p.setProperty("provide.transaction.metadata", "true");
        // Watermarks (SourceLogMarks) arrive as logical decoding messages; Debezium asks pgoutput for
        // them on PostgreSQL 14 and later. Messages of other tools are dropped inside the connector.
        p.setProperty("message.prefix.include.list", SourceLogMarks.PREFIX);
        p.setProperty("heartbeat.interval.ms", Long.toString(HEARTBEAT_INTERVAL.toMillis()));
        // Debezium holds a batch back until it is full or this interval has passed (500 ms by
        // default), which alone put the median apply delay near a second at 1,000 writes/s. A short
        // interval hands changes over almost at once; under load batches still fill up.
        p.setProperty("poll.interval.ms", Long.toString(POLL_INTERVAL.toMillis()));

        // Representations that carry the exact value, so the PostgreSQL text form can be rebuilt.
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("time.precision.mode", "adaptive_time_microseconds");
        p.setProperty("binary.handling.mode", "bytes");
        p.setProperty("interval.handling.mode", "string");
        // Most types travel as PostgreSQL text (see TextFormConverter for why). Without this, Debezium
        // hands a NULL to the converter for types it does not know (tsvector, composites, extension
        // types, ...) instead of their text.
        p.setProperty("include.unknown.datatypes", "true");
        // A value Debezium cannot convert stops the stream; by default it would become NULL with a warning.
        p.setProperty("event.converting.failure.handling.mode", "fail");
        p.setProperty("converters", "textform");
        p.setProperty("textform.type", TextFormConverter.class.getName());

        // Memory is bounded by bytes as well as by records (see MemoryBudget).
        MemoryBudget budget = MemoryBudget.current();
        p.setProperty("max.queue.size.in.bytes", Long.toString(budget.queueBytes()));
        p.setProperty("max.queue.size", Integer.toString(MemoryBudget.QUEUE_RECORDS));
        p.setProperty("max.batch.size", Integer.toString(MemoryBudget.BATCH_RECORDS));

        // A connection hiccup is retried a bounded number of times, then reported as a failure.
        p.setProperty("errors.max.retries", "10");
        return p;
    }

    /**
     * Debezium matches {@code schema.table} against these regular expressions, case-insensitively.
     * Changes arrive named the way its decoder read the names (see {@link DebeziumNames}), which
     * differs from the real name when it has characters outside ASCII, so both forms are listed.
     */
    static String tableIncludeList(List<TableMove> moves) {
        return moves.stream()
                .flatMap(m -> {
                    String schema = m.source().name().schema();
                    String table = m.source().name().name();
                    return java.util.stream.Stream.of(
                            regexLiteral(schema) + "\\." + regexLiteral(table),
                            regexLiteral(DebeziumNames.relation(schema)) + "\\." + regexLiteral(DebeziumNames.relation(table)));
                })
                .distinct()
                .collect(Collectors.joining(","));
    }

    private static String regexLiteral(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(c -> {
            if (c < 128 && (Character.isLetterOrDigit(c) || c == '_')) {
                out.appendCodePoint(c);
            } else if (c < 128) {
                // A backslash before ASCII punctuation is a literal in Java regex, and "\," keeps a
                // comma from splitting Debezium's list.
                out.append('\\').appendCodePoint(c);
            } else {
                out.append("\\x{").append(Integer.toHexString(c)).append('}');
            }
        });
        return out.toString();
    }

    /**
     * Host, port, database and parameters of a PostgreSQL JDBC URL, as the driver itself reads it
     * (every form it accepts: {@code jdbc:postgresql:db}, IPv6 hosts, percent-encoded names).
     */
    record JdbcTarget(String host, int port, String database, Map<String, String> parameters) {

        static JdbcTarget parse(String url) {
            Properties parsed = url == null ? null : org.postgresql.Driver.parseURL(url, null);
            if (parsed == null) {
                throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN,
                        "The source URL must look like jdbc:postgresql://host:port/database, got "
                                + dev.safeshift.plan.Redaction.redactUrl(url) + ".");
            }
            String hosts = PGProperty.PG_HOST.getOrDefault(parsed);
            String ports = PGProperty.PG_PORT.getOrDefault(parsed);
            if (hosts.contains(",")) {
                throw new SafeshiftException(SafeshiftException.Kind.BAD_PLAN,
                        "The change stream needs one source host, but the URL lists several: "
                                + dev.safeshift.plan.Redaction.redactUrl(url) + ". Name the primary only.");
            }
            String host = hosts.startsWith("[") && hosts.endsWith("]") ? hosts.substring(1, hosts.length() - 1) : hosts;
            Map<String, String> parameters = new LinkedHashMap<>();
            for (String name : parsed.stringPropertyNames()) {
                if (!name.equals(PGProperty.PG_HOST.getName()) && !name.equals(PGProperty.PG_PORT.getName())
                        && !name.equals(PGProperty.PG_DBNAME.getName())) {
                    parameters.put(name, parsed.getProperty(name));
                }
            }
            return new JdbcTarget(host, Integer.parseInt(ports), PGProperty.PG_DBNAME.getOrDefault(parsed),
                    Map.copyOf(parameters));
        }
    }
}
