package dev.safeshift.cli;

import dev.safeshift.run.BackfillProgress;
import dev.safeshift.run.RunListener;
import dev.safeshift.run.StreamStatus;
import java.io.PrintStream;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Shows the daemon's progress: a redrawn bar on a terminal, or a line every few seconds when the
 * output goes to a file or a pipe (where carriage returns would make a mess).
 */
final class TerminalProgress implements RunListener {

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final long LINE_EVERY_MILLIS = 5_000;

    private final PrintStream out;
    private final boolean redraw;
    private long lastLine;
    private boolean midLine;

    TerminalProgress(PrintStream out) {
        this(out, System.console() != null);
    }

    TerminalProgress(PrintStream out, boolean redraw) {
        this.out = out;
        this.redraw = redraw;
    }

    @Override
    public synchronized void info(String message) {
        endLine();
        out.println(LocalTime.now().format(CLOCK) + " " + message);
    }

    @Override
    public synchronized void backfill(BackfillProgress progress) {
        show(backfillLine(progress), false);
    }

    @Override
    public synchronized void backfillFinished(BackfillProgress progress) {
        show(backfillLine(progress), true);
        endLine();
    }

    @Override
    public synchronized void streaming(StreamStatus status) {
        show(String.format("streaming  lag %s, %s   applied %,d changes   apply delay p50 %d ms, p99 %d ms",
                bytes(status.lagBytes()), millis(status.lagMillis()), status.eventsApplied(),
                status.applyLagP50Millis(), status.applyLagP99Millis()), false);
    }

    static String backfillLine(BackfillProgress p) {
        int width = 30;
        int filled = (int) Math.round(p.fraction() * width);
        return String.format("backfill [%s%s] %3.0f%%  %,d / ~%,d rows  %,.0f rows/s  chunks %d/%d  ETA %s",
                "#".repeat(filled), ".".repeat(width - filled), p.fraction() * 100, p.rowsCopied(), p.rowsEstimated(),
                p.rowsPerSecond(), p.chunksDone(), p.chunksTotal(), p.eta().map(TerminalProgress::duration).orElse("--"));
    }

    private void show(String line, boolean force) {
        if (redraw) {
            out.print("\r" + line + "\033[K");
            out.flush();
            midLine = true;
            return;
        }
        long now = System.currentTimeMillis();
        if (force || now - lastLine >= LINE_EVERY_MILLIS) {
            out.println(LocalTime.now().format(CLOCK) + " " + line);
            lastLine = now;
        }
    }

    private void endLine() {
        if (midLine) {
            out.println();
            midLine = false;
        }
    }

    static String duration(Duration d) {
        long seconds = d.toSeconds();
        return seconds >= 3600 ? String.format("%dh%02dm", seconds / 3600, seconds / 60 % 60)
                : String.format("%dm%02ds", seconds / 60, seconds % 60);
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format("%.1f KiB", bytes / 1024.0);
        }
        return String.format("%.1f MiB", bytes / (1024.0 * 1024));
    }

    static String millis(long millis) {
        return String.format("%.1f s", millis / 1000.0);
    }
}
