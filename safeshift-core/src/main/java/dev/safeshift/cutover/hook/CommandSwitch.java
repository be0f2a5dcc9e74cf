package dev.safeshift.cutover.hook;

import dev.safeshift.SafeshiftException;
import dev.safeshift.cutover.TrafficSwitch;
import dev.safeshift.engine.Side;
import dev.safeshift.plan.CommandSettings;
import dev.safeshift.plan.Plan;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The switch of an application whose traffic goes through something Safeshift does not know: a
 * hook program of the user's ({@code cutover.command}) is run once per step, the step in
 * {@code SAFESHIFT_ACTION}, and answers with its exit status (docs/switches.md):
 * <ul>
 *   <li>{@code check}: 0 when a switch can go ahead; anything else is a problem, which the
 *       hook's output says.</li>
 *   <li>{@code hold}: 0 when traffic is held and nothing runs on {@code SAFESHIFT_FROM} any more;
 *       {@value #HELD_NOT_DRAINED} when traffic is held but still running there at the deadline (the
 *       cutover gives up and releases); anything else, or still running at the deadline, is a
 *       failure (the cutover gives up and releases just the same).</li>
 *   <li>{@code release}: 0 when traffic goes to {@code SAFESHIFT_TO}. It is the step that lets the
 *       application go again, so a failed one is tried {@value #RELEASE_ATTEMPTS} times before the
 *       switch says it failed, loudly; a restarted daemon releases again.</li>
 * </ul>
 * Nothing a hook does is taken for success unless it exits 0 by itself: killed, silent or any other
 * status is a failure or a problem, with what it wrote on standard error (or output) in the message.
 */
public final class CommandSwitch implements TrafficSwitch {

    /** The exit status of a hold that holds traffic but saw it still running on the side left at the deadline. */
    public static final int HELD_NOT_DRAINED = 3;
    /** How often a release is tried before the switch gives up on it. */
    public static final int RELEASE_ATTEMPTS = 3;
    /** How long to wait before trying a release again; doubled each time. */
    static final Duration RELEASE_RETRY_AFTER = Duration.ofSeconds(1);

    private static final Logger LOG = LoggerFactory.getLogger(CommandSwitch.class);

    private final CommandSettings settings;
    private final HookEnvironment environment;
    private final Path directory;

    CommandSwitch(CommandSettings settings, HookEnvironment environment, Path directory) {
        this.settings = settings;
        this.environment = environment;
        this.directory = directory;
    }

    /**
     * The switch of a plan with {@code cutover.switch: command}. The hook runs in the plan file's
     * directory, or the daemon's own for a plan that was not read from a file.
     */
    public static CommandSwitch forPlan(Plan plan) {
        CommandSettings settings = plan.cutover().command().orElseThrow(() -> new IllegalStateException(
                "cutover.switch is command but the plan has no cutover.command"));
        Path planDirectory = plan.file() == null ? null : plan.file().toAbsolutePath().getParent();
        return new CommandSwitch(settings, HookEnvironment.of(plan),
                planDirectory != null ? planDirectory : Path.of("").toAbsolutePath());
    }

    @Override
    public String kind() {
        return "command";
    }

    @Override
    public List<String> problems() {
        Optional<String> unusable = unusable();
        if (unusable.isPresent()) {
            return List.of(unusable.get());
        }
        HookCall.Result result;
        try {
            result = call(environment.check(), Instant.now().plus(settings.timeout()));
        } catch (IOException e) {
            return List.of(hook() + " could not be started for check: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of(hook() + " was interrupted during check");
        }
        if (result.killed()) {
            return List.of(killed("check", result, "its timeout of " + settings.timeout().toSeconds()
                    + " s (cutover.command.timeout)"));
        }
        if (result.exitCode() != 0) {
            return List.of(hook() + " says the switch cannot go ahead (check exited with " + result.exitCode() + "): "
                    + result.said());
        }
        return List.of();
    }

    @Override
    public Drain hold(Side from, Instant deadline) throws InterruptedException {
        Instant timeout = Instant.now().plus(settings.timeout());
        boolean deadlineFirst = deadline.isBefore(timeout);
        HookCall.Result result;
        try {
            result = call(environment.hold(from, deadline), deadlineFirst ? deadline : timeout);
        } catch (IOException e) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, hook() + " could not be started to hold the"
                    + " traffic: " + e.getMessage(), e);
        }
        String side = HookEnvironment.side(from);
        if (result.killed()) {
            throw new SafeshiftException(SafeshiftException.Kind.STATE, killed("hold", result, deadlineFirst
                    ? "the write pause deadline (SAFESHIFT_DEADLINE)"
                    : "its timeout of " + settings.timeout().toSeconds() + " s (cutover.command.timeout)"));
        }
        if (result.exitCode() == 0) {
            return new Drain(true, hook() + " held the traffic and drained the " + side + " in " + result.millis()
                    + " ms" + saying(result));
        }
        if (result.exitCode() == HELD_NOT_DRAINED) {
            return new Drain(false, hook() + " held the traffic, but it had not drained from the " + side + " by the"
                    + " deadline (exit " + HELD_NOT_DRAINED + " after " + result.millis() + " ms): " + result.said());
        }
        throw new SafeshiftException(SafeshiftException.Kind.STATE, hook() + " failed to hold the traffic on the "
                + side + " (hold exited with " + result.exitCode() + " after " + result.millis() + " ms): "
                + result.said());
    }

    @Override
    public void release(Side to) {
        String side = HookEnvironment.side(to);
        List<String> failures = new ArrayList<>();
        Duration pause = RELEASE_RETRY_AFTER;
        for (int attempt = 1; attempt <= RELEASE_ATTEMPTS; attempt++) {
            Optional<String> failure = releaseOnce(to, attempt);
            if (failure.isEmpty()) {
                return;
            }
            failures.add("attempt " + attempt + ": " + failure.get());
            LOG.error("{} failed to release the traffic to the {} (attempt {} of {}): {}", hook(), side, attempt,
                    RELEASE_ATTEMPTS, failure.get());
            if (attempt < RELEASE_ATTEMPTS) {
                try {
                    Thread.sleep(pause.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
                pause = pause.multipliedBy(2);
            }
        }
        throw new SafeshiftException(SafeshiftException.Kind.STATE, hook() + " failed to release the traffic to the "
                + side + ", so it may still be held (" + String.join("; ", failures) + "). Make the hook's release"
                + " work, then release by hand or start the daemon again, which releases once more.");
    }

    /** Runs one release; returns what went wrong, or nothing when the hook exited 0. */
    private Optional<String> releaseOnce(Side to, int attempt) {
        HookCall.Result result;
        try {
            result = call(environment.release(to, attempt), Instant.now().plus(settings.timeout()));
        } catch (IOException e) {
            return Optional.of("it could not be started: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("the daemon was interrupted while it ran");
        }
        if (result.killed()) {
            return Optional.of("still running after its timeout of " + settings.timeout().toSeconds() + " s"
                    + " (cutover.command.timeout), it was killed after " + result.millis() + " ms" + descendants(result));
        }
        if (result.exitCode() != 0) {
            return Optional.of("exited with " + result.exitCode() + " after " + result.millis() + " ms: " + result.said());
        }
        LOG.info("{} released the traffic to the {} in {} ms{}", hook(), HookEnvironment.side(to), result.millis(),
                saying(result));
        return Optional.empty();
    }

    /** Why the hook cannot be run at all, said before it is tried. */
    private Optional<String> unusable() {
        Path program = settings.program();
        if (!Files.exists(program)) {
            boolean looksLikeALine = program.getFileName() != null && program.getFileName().toString().contains(" ");
            return Optional.of("the hook program " + program + " (cutover.command.path) does not exist"
                    + (looksLikeALine ? "; its arguments go in cutover.command.args, one per entry, since no shell"
                    + " splits the path" : ""));
        }
        if (!Files.isRegularFile(program)) {
            return Optional.of("the hook program " + program + " (cutover.command.path) is not a regular file");
        }
        if (!Files.isExecutable(program)) {
            return Optional.of("the hook program " + program + " (cutover.command.path) is not executable by the"
                    + " daemon; make it so (chmod +x) and give a script its #! line");
        }
        return Optional.empty();
    }

    private HookCall.Result call(Map<String, String> variables, Instant killAt) throws IOException, InterruptedException {
        Optional<String> unusable = unusable();
        if (unusable.isPresent()) {
            throw new IOException(unusable.get());
        }
        HookCall.Result result = HookCall.run(settings.commandLine(), directory, environment.secrets(), variables,
                killAt);
        LOG.info("{} {}: {} in {} ms; stdout: {}; stderr: {}", hook(), variables.get(HookEnvironment.ACTION),
                result.killed() ? "killed" : "exit " + result.exitCode(), result.millis(),
                result.stdout().isEmpty() ? "(none)" : result.stdout(), result.stderr().isEmpty() ? "(none)" : result.stderr());
        return result;
    }

    private String killed(String action, HookCall.Result result, String limit) {
        return hook() + " was still running " + action + " at " + limit + " and was killed after " + result.millis()
                + " ms" + descendants(result) + (result.stderr().isEmpty() && result.stdout().isEmpty()
                ? "" : "; it had said: " + result.said());
    }

    private static String descendants(HookCall.Result result) {
        return result.descendants() == 0 ? "" : ", with the " + result.descendants() + " process(es) it had started";
    }

    private static String saying(HookCall.Result result) {
        return result.stderr().isEmpty() && result.stdout().isEmpty() ? "" : ": " + result.said();
    }

    private String hook() {
        return "the traffic switch hook " + settings.program();
    }
}
