package dev.safeshift.cutover.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.safeshift.SafeshiftException;
import dev.safeshift.cutover.TrafficSwitch;
import dev.safeshift.cutover.TrafficSwitches;
import dev.safeshift.engine.Side;
import dev.safeshift.plan.Plan;
import dev.safeshift.plan.PlanLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command switch against real hook scripts: what each exit status means, limits, and the environment. */
class CommandSwitchIT {

    /** The plan reads the source password from HOME, a variable every test run has, to see the hook not inherit it. */
    private static final String SECRET_VARIABLE = "HOME";

    @TempDir
    Path dir;

    private Plan plan(String timeout) {
        return plan("hook.sh", timeout);
    }

    private Plan plan(String path, String timeout) {
        try {
            Path file = Files.writeString(dir.resolve("plan.yaml"), """
                    name: payments_move
                    source:
                      url: jdbc:postgresql://old-db.internal:6543/shop
                      user: migrator
                      password: ${%s}
                    target:
                      url: jdbc:postgresql://new-db.internal/shop_new?sslmode=require
                      user: migrator
                    tables:
                      - source: payments
                    cutover:
                      switch: command
                      command:
                        path: %s
                        args: [--backend, shop, 'two words']
                        timeout: %s
                    """.formatted(SECRET_VARIABLE, path, timeout));
            return PlanLoader.load(file, Map.of(SECRET_VARIABLE, "s3cret-source"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private TrafficSwitch traffic(String script) {
        return traffic(script, "10s");
    }

    private TrafficSwitch traffic(String script, String timeout) {
        hook(script);
        return TrafficSwitches.forPlan(plan(timeout));
    }

    private Path hook(String body) {
        try {
            Path hook = dir.resolve("hook.sh");
            Files.writeString(hook, "#!/bin/bash\n" + body + "\n");
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwx------"));
            return hook;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private String read(String name) throws IOException {
        return Files.readString(dir.resolve(name));
    }

    private static Instant inSeconds(long seconds) {
        return Instant.now().plusSeconds(seconds);
    }

    @Test
    void theSwitchOfACommandPlanIsTheHookFoundThroughItsProvider() {
        TrafficSwitch traffic = traffic("exit 0");

        assertThat(traffic).isInstanceOf(CommandSwitch.class);
        assertThat(traffic.kind()).isEqualTo("command");
    }

    @Test
    void checkThatExitsZeroFindsNoProblem() {
        assertThat(traffic("exit 0").problems()).isEmpty();
    }

    @Test
    void checkThatFailsIsAProblemSaidInTheHooksWords() {
        TrafficSwitch traffic = traffic("""
                echo "looking at haproxy"
                echo "HAProxy backend shop has no server for the target" >&2
                exit 1""");

        assertThat(traffic.problems()).singleElement().satisfies(problem -> assertThat(problem)
                .isEqualTo("the traffic switch hook " + dir.resolve("hook.sh") + " says the switch cannot go ahead"
                        + " (check exited with 1): HAProxy backend shop has no server for the target"));
    }

    @Test
    void checkThatFailsSilentlyIsAProblemAllTheSame() {
        assertThat(traffic("exit 2").problems()).singleElement().satisfies(problem -> assertThat(problem)
                .contains("check exited with 2", "it wrote nothing on standard error or output"));
    }

    @Test
    void standardInputIsClosedSoAHookReadingItDoesNotWait() {
        TrafficSwitch traffic = traffic("cat >/dev/null; exit 0", "2s");

        assertThat(traffic.problems()).isEmpty();
    }

    @Test
    void outputIsKeptOnlyUpToItsBound() {
        TrafficSwitch traffic = traffic("head -c 100000 /dev/zero | tr '\\0' x >&2; exit 1");

        assertThat(traffic.problems()).singleElement().satisfies(problem -> assertThat(problem)
                .contains("[" + (100000 - BoundedOutput.LIMIT) + " more bytes not kept]")
                .hasSizeLessThan(BoundedOutput.LIMIT + 500));
    }

    @Test
    void holdThatExitsZeroDrained() throws InterruptedException {
        TrafficSwitch.Drain drain = traffic("echo 'shop: 0 sessions left' >&2; exit 0").hold(Side.SOURCE, inSeconds(5));

        assertThat(drain.drained()).isTrue();
        assertThat(drain.detail()).contains("held the traffic and drained the source", "shop: 0 sessions left");
    }

    @Test
    void holdThatExitsThreeHeldButDidNotDrain() throws InterruptedException {
        TrafficSwitch.Drain drain = traffic("echo '2 sessions still on old-db' >&2; exit 3").hold(Side.SOURCE,
                inSeconds(5));

        assertThat(drain.drained()).isFalse();
        assertThat(drain.detail()).contains("had not drained from the source by the deadline (exit 3",
                "2 sessions still on old-db");
    }

    @Test
    void holdThatExitsAnythingElseFailed() {
        TrafficSwitch traffic = traffic("echo 'cannot reach the HAProxy socket' >&2; exit 1");

        assertThatThrownBy(() -> traffic.hold(Side.TARGET, inSeconds(5)))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageContaining("failed to hold the traffic on the target (hold exited with 1 after")
                .hasMessageContaining("cannot reach the HAProxy socket");
    }

    @Test
    void hookPastItsTimeoutIsKilledWithTheProcessItStarted() throws IOException {
        TrafficSwitch traffic = traffic("""
                sleep 300 &
                echo $! > child.pid
                echo "waiting for the mesh" >&2
                wait""", "1s");
        long started = System.nanoTime();

        SafeshiftException e = catchThrowableOfType(SafeshiftException.class,
                () -> traffic.hold(Side.SOURCE, inSeconds(60)));

        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
        assertThat(e).hasMessageContaining("the traffic switch hook " + dir.resolve("hook.sh") + " was still running"
                        + " hold at its timeout of 1 s (cutover.command.timeout) and was killed after")
                .hasMessageContaining("with the 1 process(es) it had started")
                .hasMessageContaining("it had said: waiting for the mesh");
        assertThat(e.getMessage()).containsPattern("killed after (9[0-9]{2}|[12][0-9]{3}) ms");
        long child = Long.parseLong(read("child.pid").strip());
        assertThat(gone(child)).as("the hook's child %s is killed too", child).isTrue();
    }

    @Test
    void holdStillRunningAtTheDeadlineIsKilledThenThoughItsTimeoutIsLater() {
        TrafficSwitch traffic = traffic("sleep 60", "30s");
        long started = System.nanoTime();

        assertThatThrownBy(() -> traffic.hold(Side.SOURCE, inSeconds(1)))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageContaining("was still running hold at the write pause deadline (SAFESHIFT_DEADLINE) and"
                        + " was killed after");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(8));
    }

    @Test
    void checkPastItsTimeoutIsAProblem() {
        assertThat(traffic("sleep 60", "1s").problems()).singleElement().satisfies(problem -> assertThat(problem)
                .contains("was still running check at its timeout of 1 s"));
    }

    @Test
    void releaseRunsTheHookWithTheSideToGoTo() throws IOException {
        TrafficSwitch traffic = traffic("echo \"$SAFESHIFT_TO\" > released-to");

        traffic.release(Side.TARGET);
        assertThat(read("released-to")).isEqualTo("target\n");
        traffic.release(Side.SOURCE);
        assertThat(read("released-to")).isEqualTo("source\n");
    }

    @Test
    void releaseThatFailsOnceIsTriedAgain() throws IOException {
        TrafficSwitch traffic = traffic("""
                echo "$SAFESHIFT_ATTEMPT" >> attempts
                [ "$SAFESHIFT_ATTEMPT" -ge 2 ]""");

        traffic.release(Side.TARGET);

        assertThat(read("attempts")).isEqualTo("1\n2\n");
    }

    @Test
    void releaseThatKeepsFailingFailsLoudlyWithEveryAttempt() throws IOException {
        TrafficSwitch traffic = traffic("""
                echo "$SAFESHIFT_ATTEMPT" >> attempts
                echo "the flag service answered 503" >&2
                exit 1""");

        assertThatThrownBy(() -> traffic.release(Side.TARGET))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageContaining("failed to release the traffic to the target, so it may still be held")
                .hasMessageContaining("attempt 1: exited with 1 after")
                .hasMessageContaining("attempt 3: exited with 1 after")
                .hasMessageContaining("the flag service answered 503");
        assertThat(read("attempts")).isEqualTo("1\n2\n3\n");
    }

    @Test
    void hookGetsExactlyTheDocumentedVariablesAndNoPassword() throws Exception {
        assumeThat(System.getenv(SECRET_VARIABLE)).as("the test needs %s in its environment", SECRET_VARIABLE)
                .isNotNull();
        TrafficSwitch traffic = traffic("""
                env | grep '^SAFESHIFT_' | sort > "env-$SAFESHIFT_ACTION"
                printf '%s\\n' "$@" > args
                pwd > directory
                echo "${HOME-unset}" > secret
                env | grep -c s3cret-source > secret-values || true""");
        Instant deadline = inSeconds(5).truncatedTo(ChronoUnit.MILLIS);

        assertThat(traffic.problems()).isEmpty();
        assertThat(traffic.hold(Side.SOURCE, deadline).drained()).isTrue();
        traffic.release(Side.TARGET);

        List<String> databases = List.of(
                "SAFESHIFT_MIGRATION=payments_move",
                "SAFESHIFT_SOURCE_DATABASE=shop",
                "SAFESHIFT_SOURCE_HOST=old-db.internal",
                "SAFESHIFT_SOURCE_PORT=6543",
                "SAFESHIFT_SOURCE_URL=jdbc:postgresql://old-db.internal:6543/shop",
                "SAFESHIFT_TARGET_DATABASE=shop_new",
                "SAFESHIFT_TARGET_HOST=new-db.internal",
                "SAFESHIFT_TARGET_PORT=5432",
                "SAFESHIFT_TARGET_URL=jdbc:postgresql://new-db.internal/shop_new?sslmode=require");
        assertThat(lines("env-check")).containsExactlyElementsOf(sorted(databases, "SAFESHIFT_ACTION=check"));
        assertThat(lines("env-hold")).containsExactlyElementsOf(sorted(databases, "SAFESHIFT_ACTION=hold",
                "SAFESHIFT_FROM=source", "SAFESHIFT_DEADLINE=" + deadline,
                "SAFESHIFT_DEADLINE_EPOCH_MILLIS=" + deadline.toEpochMilli()));
        assertThat(lines("env-release")).containsExactlyElementsOf(sorted(databases, "SAFESHIFT_ACTION=release",
                "SAFESHIFT_TO=target", "SAFESHIFT_ATTEMPT=1"));
        assertThat(lines("args")).containsExactly("--backend", "shop", "two words");
        assertThat(read("directory").strip()).isEqualTo(dir.toRealPath().toString());
        assertThat(read("secret").strip()).as("the variable the plan reads a password from").isEqualTo("unset");
        assertThat(read("secret-values").strip()).isEqualTo("0");
    }

    @Test
    void missingHookIsAProblemAndAFailureNamingIt() {
        TrafficSwitch traffic = TrafficSwitches.forPlan(plan("hooks/nowhere.sh", "10s"));

        assertThat(traffic.problems()).containsExactly("the hook program " + dir.resolve("hooks/nowhere.sh")
                + " (cutover.command.path) does not exist");
        assertThatThrownBy(() -> traffic.hold(Side.SOURCE, inSeconds(5)))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageContaining("could not be started to hold the traffic: the hook program")
                .hasMessageContaining("does not exist");
        assertThatThrownBy(() -> traffic.release(Side.SOURCE))
                .isInstanceOf(SafeshiftException.class)
                .hasMessageContaining("attempt 3: it could not be started: the hook program");
    }

    @Test
    void hookWrittenAsAShellLineIsToldWhereItsArgumentsGo() {
        TrafficSwitch traffic = TrafficSwitches.forPlan(plan("'./switch.sh --backend shop'", "10s"));

        assertThat(traffic.problems()).singleElement().satisfies(problem -> assertThat(problem)
                .contains("does not exist; its arguments go in cutover.command.args, one per entry"));
    }

    @Test
    void hookThatIsNotExecutableIsAProblem() throws IOException {
        Path hook = hook("exit 0");
        Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rw-------"));

        assertThat(TrafficSwitches.forPlan(plan("10s")).problems()).singleElement().satisfies(problem ->
                assertThat(problem).contains("(cutover.command.path) is not executable by the daemon"));
    }

    private List<String> lines(String name) throws IOException {
        return Files.readAllLines(dir.resolve(name));
    }

    private static List<String> sorted(List<String> common, String... more) {
        List<String> all = new java.util.ArrayList<>(common);
        all.addAll(List.of(more));
        all.sort(null);
        return all;
    }

    /** Whether the process ended: it no longer exists, or is a zombie no one reaped yet. */
    private static boolean gone(long pid) throws IOException {
        long until = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (System.nanoTime() < until) {
            Path stat = Path.of("/proc/" + pid + "/stat");
            if (!Files.exists(stat)) {
                return true;
            }
            try {
                String text = Files.readString(stat);
                if (text.substring(text.lastIndexOf(')') + 2).startsWith("Z")) {
                    return true;
                }
            } catch (IOException vanished) {
                return true;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
