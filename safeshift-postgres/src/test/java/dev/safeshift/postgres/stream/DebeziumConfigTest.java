package dev.safeshift.postgres.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.Endpoint;
import dev.safeshift.plan.QualifiedName;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class DebeziumConfigTest {

    private static TableMove move(String schema, String table) {
        TableInfo info = new TableInfo(new QualifiedName(schema, table), List.of(new ColumnInfo("id", "integer", false, null)),
                List.of("id"), 0, 0, List.of());
        return new TableMove(info, new QualifiedName("public", table));
    }

    @Test
    void connectsToTheSourceOfTheUrlAndAttachesToTheExistingCapture() {
        Endpoint source = new Endpoint("jdbc:postgresql://db.example:6432/shop?sslmode=require", "mover",
                Optional.of("PGPASS"), Optional.of("s3cret"));
        Properties p = new DebeziumConfig(source, "cap_1", List.of(move("public", "orders"))).build();
        assertThat(p.getProperty("database.hostname")).isEqualTo("db.example");
        assertThat(p.getProperty("database.port")).isEqualTo("6432");
        assertThat(p.getProperty("database.dbname")).isEqualTo("shop");
        assertThat(p.getProperty("database.user")).isEqualTo("mover");
        assertThat(p.getProperty("database.password")).isEqualTo("s3cret");
        assertThat(p.getProperty("database.sslmode")).isEqualTo("require");
        assertThat(p.getProperty("slot.name")).isEqualTo("cap_1");
        assertThat(p.getProperty("publication.name")).isEqualTo("cap_1");
        assertThat(p.getProperty("publication.autocreate.mode")).isEqualTo("disabled");
        assertThat(p.getProperty("slot.drop.on.stop")).isEqualTo("false");
        assertThat(p.getProperty("snapshot.mode")).isEqualTo("no_data");
        assertThat(p.getProperty("skipped.operations")).isEqualTo("none");
        assertThat(p.getProperty("provide.transaction.metadata")).isEqualTo("true");
        assertThat(p.getProperty("message.prefix.include.list")).isEqualTo(SourceLogMarks.PREFIX);
        assertThat(p.getProperty("offset.storage")).isEqualTo("org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        assertThat(p.getProperty("event.converting.failure.handling.mode")).as("no value silently becomes NULL")
                .isEqualTo("fail");
        assertThat(Long.parseLong(p.getProperty("max.queue.size.in.bytes"))).as("memory bounded by bytes")
                .isEqualTo(Runtime.getRuntime().maxMemory() / 8);
    }

    @Test
    void defaultsPortAndReadsBracketedHosts() {
        assertThat(DebeziumConfig.JdbcTarget.parse("jdbc:postgresql://localhost/app"))
                .isEqualTo(new DebeziumConfig.JdbcTarget("localhost", 5432, "app", java.util.Map.of()));
        assertThat(DebeziumConfig.JdbcTarget.parse("jdbc:postgresql://[::1]:5433/app").host()).isEqualTo("::1");
        assertThatThrownBy(() -> DebeziumConfig.JdbcTarget.parse("jdbc:postgresql://a:1,b:2/app"))
                .isInstanceOf(SafeshiftException.class).hasMessageContaining("one source host");
        // the forms the driver accepts besides host:port/database
        assertThat(DebeziumConfig.JdbcTarget.parse("jdbc:postgresql:app"))
                .isEqualTo(new DebeziumConfig.JdbcTarget("localhost", 5432, "app", java.util.Map.of()));
        DebeziumConfig.JdbcTarget encoded = DebeziumConfig.JdbcTarget.parse(
                "jdbc:postgresql://db.example:6543/caf%C3%A9%20db?sslmode=verify-full&password=p%26ss");
        assertThat(encoded.database()).isEqualTo("café db");
        assertThat(encoded.port()).isEqualTo(6543);
        assertThat(encoded.parameters()).containsEntry("sslmode", "verify-full").containsEntry("password", "p&ss");
        assertThatThrownBy(() -> DebeziumConfig.JdbcTarget.parse("jdbc:mysql://x/app?password=hunter2"))
                .isInstanceOf(SafeshiftException.class).hasMessageNotContaining("hunter2");
    }

    @Test
    void includeListMatchesExactlyTheMovedTables() {
        String list = DebeziumConfig.tableIncludeList(List.of(move("public", "orders"), move("my.schema", "a+b,c")));
        String[] patterns = list.split("(?<!\\\\),");
        assertThat(patterns).hasSize(2);
        assertThat(Pattern.matches(patterns[0], "public.orders")).isTrue();
        assertThat(Pattern.matches(patterns[0], "publicXorders")).isFalse();
        assertThat(Pattern.matches(patterns[1].replace("\\,", ","), "my.schema.a+b,c")).isTrue();
    }

    @Test
    void includeListAlsoMatchesNamesOutsideAsciiAsTheDecoderReadsThem() {
        String list = DebeziumConfig.tableIncludeList(List.of(move("Schéma", "tåble")));
        String[] patterns = list.split("(?<!\\\\),");
        assertThat(patterns).hasSize(2);
        assertThat(Pattern.matches(patterns[0], "Schéma.tåble")).isTrue();
        assertThat(Pattern.matches(patterns[1], DebeziumNames.relation("Schéma") + "." + DebeziumNames.relation("tåble"))).isTrue();
        assertThat(Pattern.matches(patterns[0], "Schema.table")).isFalse();
    }
}
