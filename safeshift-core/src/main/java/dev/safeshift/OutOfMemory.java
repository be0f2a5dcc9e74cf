package dev.safeshift;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.Optional;
import java.util.Set;

/**
 * Reports a Java process that ran out of memory in one line: what ran out, the heap's maximum, and
 * the setting to raise. The JVM throws the same preallocated {@link OutOfMemoryError} again and again
 * once memory is short, so a {@code try}-with-resources whose body and {@code close()} both fail
 * calls {@code addSuppressed} with the error on itself; the {@code IllegalArgumentException}
 * ("Self-suppression not permitted") that results carries the error as its cause. The error is
 * therefore looked for among causes and suppressed exceptions, not only at the top.
 */
public final class OutOfMemory {

    private static final long MB = 1024 * 1024;

    private OutOfMemory() {
    }

    /** The {@link OutOfMemoryError} in {@code failure}, its causes or suppressed exceptions, if any. */
    public static Optional<OutOfMemoryError> find(Throwable failure) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        Deque<Throwable> pending = new ArrayDeque<>();
        if (failure != null) {
            pending.add(failure);
        }
        while (!pending.isEmpty()) {
            Throwable t = pending.poll();
            if (!seen.add(t)) {
                continue;
            }
            if (t instanceof OutOfMemoryError error) {
                return Optional.of(error);
            }
            if (t.getCause() != null) {
                pending.add(t.getCause());
            }
            for (Throwable suppressed : t.getSuppressed()) {
                pending.add(suppressed);
            }
        }
        return Optional.empty();
    }

    /**
     * The failure to report for {@code error}: its message says what ran out while {@code doing},
     * and how to give the process more; the exit code is that of an unexpected error.
     */
    public static SafeshiftException describe(OutOfMemoryError error, String doing) {
        return new SafeshiftException(SafeshiftException.Kind.INTERNAL, message(error, doing), error);
    }

    static String message(OutOfMemoryError error, String doing) {
        String what = error.getMessage() == null || error.getMessage().isBlank() ? "Java heap space" : error.getMessage();
        long maxMb = Runtime.getRuntime().maxMemory() / MB;
        String ranOut = "Safeshift ran out of memory (" + what + ") while " + doing + ".";
        if (what.contains("Metaspace")) {
            return ranOut + " Raise the class metadata limit, e.g. SAFESHIFT_JAVA_OPTS='-Xmx" + suggestedHeap(maxMb)
                    + " -XX:MaxMetaspaceSize=512m' ./safeshift ... (or those options on the java command line).";
        }
        if (what.contains("Direct buffer")) {
            return ranOut + " Raise the direct memory limit, e.g. SAFESHIFT_JAVA_OPTS='-Xmx" + suggestedHeap(maxMb)
                    + " -XX:MaxDirectMemorySize=512m' ./safeshift ... (or those options on the java command line).";
        }
        if (what.contains("native thread")) {
            return ranOut + " The operating system refused another thread; check the process and memory limits "
                    + "(ulimit -u, the container's memory) and run again.";
        }
        return ranOut + " The Java heap's maximum is " + maxMb + " MB. Give it more with SAFESHIFT_JAVA_OPTS=-Xmx"
                + suggestedHeap(maxMb) + " ./safeshift ... (or -Xmx" + suggestedHeap(maxMb)
                + " on the java command line), then run again: a migration resumes where it stopped.";
    }

    /** Twice the current maximum, at least 1 GB, as -Xmx takes it. */
    static String suggestedHeap(long maxMb) {
        long wanted = Math.max(1024, maxMb * 2);
        return wanted % 1024 == 0 ? (wanted / 1024) + "g" : wanted + "m";
    }
}
