package dev.safeshift.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import dev.safeshift.engine.ColumnInfo;
import dev.safeshift.engine.Engine;
import dev.safeshift.engine.SchemaChange;
import dev.safeshift.engine.SchemaChangedException;
import dev.safeshift.engine.TableInfo;
import dev.safeshift.engine.TableMove;
import dev.safeshift.plan.QualifiedName;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What a daemon does at start with a source table whose columns changed while none ran. */
class SchemaFollowerTest {

    private static final QualifiedName ITEMS = new QualifiedName("public", "items");
    private static final TableMove NOW = move("id", "remark");
    private static final TableMove AS_TARGET_HAS_IT = move("id", "note");

    private static TableMove move(String... columns) {
        List<ColumnInfo> infos = java.util.Arrays.stream(columns).map(c -> new ColumnInfo(c, "text", true, null)).toList();
        return new TableMove(new TableInfo(ITEMS, infos, List.of("id"), 0, 0, List.of()), ITEMS);
    }

    private static SchemaFollower following(SchemaChange change) {
        Engine engine = (Engine) Proxy.newProxyInstance(Engine.class.getClassLoader(), new Class<?>[] {Engine.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("compareWithTarget")) {
                        return Optional.of(change);
                    }
                    throw new AssertionError("not expected: " + method.getName());
                });
        return new SchemaFollower(engine, null, 1, RunListener.SILENT, "test");
    }

    private static SchemaChange renamed() {
        return new SchemaChange(NOW, List.of(new SchemaChange.NewColumn("remark", "text", Optional.empty())),
                List.of("note"), List.of(), "rename it on the target", Optional.of(AS_TARGET_HAS_IT));
    }

    @Test
    void afterTheBackfillTheStreamGoesOnWithTheTargetsColumnsUpToTheChange() {
        assertThat(following(renamed()).resume(NOW, false)).isSameAs(AS_TARGET_HAS_IT);
    }

    @Test
    void duringTheBackfillADroppedColumnStopsWithWhatToDo() {
        SchemaChange dropped = new SchemaChange(NOW, List.of(), List.of("note"), List.of(), "drop it on the target",
                Optional.of(AS_TARGET_HAS_IT));
        SchemaChangedException stopped = catchThrowableOfType(SchemaChangedException.class,
                () -> following(dropped).resume(NOW, true));
        assertThat(stopped.exitCode()).isEqualTo(9);
        assertThat(stopped.getMessage()).contains("column \"note\" dropped").endsWith("drop it on the target");
    }

    @Test
    void duringTheBackfillAColumnThatMayHaveBeenRenamedAsksToStartOver() {
        SafeshiftException stopped = catchThrowableOfType(SafeshiftException.class, () -> following(renamed()).resume(NOW, true));
        assertThat(stopped.kind()).isEqualTo(SafeshiftException.Kind.SCHEMA_CHANGED);
        assertThat(stopped.getMessage()).contains("while the backfill was copying it")
                .contains("column \"remark\" (text) added; column \"note\" dropped or renamed")
                .contains("safeshift abort, then safeshift run");
    }
}
