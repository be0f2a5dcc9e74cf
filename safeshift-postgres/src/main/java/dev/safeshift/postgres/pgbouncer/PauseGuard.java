package dev.safeshift.postgres.pgbouncer;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Resumes PgBouncer when the daemon that paused it is gone. PgBouncer keeps a {@code PAUSE} until
 * somebody says {@code RESUME}, and a daemon killed in the middle of a cutover cannot; the
 * application would wait for a restart. So before it pauses, the switch starts this small process,
 * which shares nothing with the daemon but a pipe. When the pipe closes without the word
 * {@code disarm} (the daemon died, however) or {@code resumeBy} passes (the daemon hangs), the
 * guard runs {@code RELOAD} and {@code RESUME} on the entry itself, retrying for a few minutes.
 *
 * <p>{@code RELOAD} first because the configuration file is only ever rewritten by a release, after
 * the side traffic leaves was closed or the switch was given up: whatever the file says is where
 * traffic should go. Until the file is rewritten the reload changes nothing. The fence on the
 * database died with the daemon's session, so resuming lets writes run again at once.
 */
public final class PauseGuard implements AutoCloseable {

    static final String ARMED = "armed";
    static final String DISARM = "disarm";
    private static final Duration ARM_WITHIN = Duration.ofSeconds(15);
    private static final Duration RESUME_ATTEMPTS_FOR = Duration.ofMinutes(5);
    private static final Duration CONSOLE_TIMEOUT = Duration.ofSeconds(10);

    private static final String ADMIN_URL = "SAFESHIFT_PGBOUNCER_ADMIN_URL";
    private static final String ADMIN_USER = "SAFESHIFT_PGBOUNCER_ADMIN_USER";
    private static final String ADMIN_PASSWORD = "SAFESHIFT_PGBOUNCER_ADMIN_PASSWORD";
    private static final String DATABASE = "SAFESHIFT_PGBOUNCER_DATABASE";
    private static final String RESUME_BY = "SAFESHIFT_PGBOUNCER_RESUME_BY";

    private final Process process;
    private final OutputStream toGuard;

    private PauseGuard(Process process) {
        this.process = process;
        this.toGuard = process.getOutputStream();
    }

    /**
     * Starts a guard for {@code database} and waits until it has reached the admin console once
     * (so it can reach it again). Throws when it cannot be started: pausing without one would let a
     * dead daemon hold the application's traffic.
     */
    static PauseGuard start(Endpoint admin, String database, Instant resumeBy) {
        List<String> command = new ArrayList<>();
        command.add(javaCommand());
        command.addAll(List.of("-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp",
                System.getProperty("java.class.path"), PauseGuard.class.getName()));
        ProcessBuilder builder = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT);
        Map<String, String> environment = builder.environment();
        environment.put(ADMIN_URL, admin.url());
        environment.put(ADMIN_USER, admin.user());
        admin.password().ifPresentOrElse(password -> environment.put(ADMIN_PASSWORD, password),
                () -> environment.remove(ADMIN_PASSWORD));
        environment.put(DATABASE, database);
        environment.put(RESUME_BY, Long.toString(resumeBy.toEpochMilli()));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw notStarted(database, "it could not be started (" + e.getMessage() + ")", e);
        }
        CompletableFuture<String> firstLine = CompletableFuture.supplyAsync(() -> {
            try {
                return new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))
                        .readLine();
            } catch (IOException e) {
                return null;
            }
        });
        try {
            String line = firstLine.get(ARM_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
            if (ARMED.equals(line)) {
                return new PauseGuard(process);
            }
            process.destroyForcibly();
            throw notStarted(database, "it stopped before it was ready (exit " + exitValue(process)
                    + "; its reason is in the daemon's error output)", null);
        } catch (TimeoutException e) {
            process.destroyForcibly();
            throw notStarted(database, "it was not ready within " + ARM_WITHIN.toSeconds() + " s", e);
        } catch (ExecutionException e) {
            process.destroyForcibly();
            throw notStarted(database, e.getCause().getMessage(), e);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw notStarted(database, "the daemon was interrupted while it started", e);
        }
    }

    /** Tells the guard the pause is over (traffic was resumed): it exits without touching PgBouncer. */
    void disarm() {
        try {
            toGuard.write((DISARM + "\n").getBytes(StandardCharsets.UTF_8));
            toGuard.close();
        } catch (IOException e) {
            // the guard is gone already; nothing is left to disarm
        }
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** Disarms the guard. */
    @Override
    public void close() {
        disarm();
    }

    /** The guard's side: waits for {@code disarm}, the end of its input, or the time to resume. */
    public static void main(String[] args) throws Exception {
        Map<String, String> environment = System.getenv();
        Endpoint admin = new Endpoint(require(environment, ADMIN_URL), require(environment, ADMIN_USER),
                Optional.of(ADMIN_PASSWORD), Optional.ofNullable(environment.get(ADMIN_PASSWORD)));
        String database = require(environment, DATABASE);
        Instant resumeBy = Instant.ofEpochMilli(Long.parseLong(require(environment, RESUME_BY)));
        try (AdminConsole ignored = AdminConsole.open(admin, CONSOLE_TIMEOUT, CONSOLE_TIMEOUT)) {
            // reached once: the console, its address and the login work, so a resume later can work too
        } catch (SQLException e) {
            say("cannot reach PgBouncer's admin console at " + admin.redactedUrl() + ": " + e.getMessage());
            System.exit(2);
        }
        System.out.println(ARMED);
        System.out.flush();

        // completes with true on "disarm", with false when the input ends: the daemon is gone
        CompletableFuture<Boolean> disarmed = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    if (DISARM.equals(line.trim())) {
                        disarmed.complete(true);
                        return;
                    }
                }
            } catch (IOException e) {
                // a broken pipe means the same as its end
            }
            disarmed.complete(false);
        }, "safeshift-pause-guard-input");
        reader.setDaemon(true);
        reader.start();

        String why;
        try {
            if (disarmed.get(Math.max(0, Duration.between(Instant.now(), resumeBy).toMillis()), TimeUnit.MILLISECONDS)) {
                System.exit(0);
            }
            why = "the daemon that paused it is gone";
        } catch (TimeoutException e) {
            why = "it was still paused at " + resumeBy + ", past the cutover's write pause budget";
        }
        System.exit(resume(admin, database, why) ? 0 : 1);
    }

    private static boolean resume(Endpoint admin, String database, String why) throws InterruptedException {
        Instant giveUp = Instant.now().plus(RESUME_ATTEMPTS_FOR);
        String last = "";
        while (Instant.now().isBefore(giveUp)) {
            try (AdminConsole console = AdminConsole.open(admin, CONSOLE_TIMEOUT, CONSOLE_TIMEOUT)) {
                console.execute("RELOAD");
                try {
                    console.execute("RESUME " + database);
                } catch (SQLException e) {
                    if (e.getMessage() == null || !e.getMessage().contains("is not paused")) {
                        throw e;
                    }
                }
                say("resumed PgBouncer's " + database + " because " + why);
                return true;
            } catch (SQLException e) {
                last = e.getMessage();
                Thread.sleep(1_000);
            }
        }
        say("could not resume PgBouncer's " + database + " (" + why + ") for " + RESUME_ATTEMPTS_FOR.toMinutes()
                + " minutes: " + last + ". Run RESUME " + database + " on its admin console, or start the daemon again.");
        return false;
    }

    private static String require(Map<String, String> environment, String name) {
        String value = environment.get(name);
        if (value == null || value.isEmpty()) {
            say("the environment variable " + name + " is not set; this program is started by the daemon's"
                    + " PgBouncer switch, not by hand");
            System.exit(2);
        }
        return value;
    }

    private static void say(String message) {
        System.err.println("safeshift pgbouncer pause guard: " + message);
    }

    private static String javaCommand() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static String exitValue(Process process) {
        try {
            return process.waitFor(2, TimeUnit.SECONDS) ? Integer.toString(process.exitValue()) : "none yet";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    private static SafeshiftException notStarted(String database, String why, Throwable cause) {
        return new SafeshiftException(SafeshiftException.Kind.STATE, "PgBouncer's " + database + " was not paused:"
                + " the guard that resumes it if the daemon dies mid-cutover did not start: " + why + ".", cause);
    }
}
