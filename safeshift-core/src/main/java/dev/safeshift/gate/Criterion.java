package dev.safeshift.gate;

import java.util.Objects;

/**
 * One criterion of the go/no-go gate with its verdict and the evidence for it, in words.
 *
 * @param name     such as {@code verification}, {@code signoff:finance} or {@code check:no_pending}
 * @param verdict  PASS, FAIL or UNKNOWN
 * @param evidence what was found, as a sentence for the people deciding
 */
public record Criterion(String name, Verdict verdict, String evidence) {

    public Criterion {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(evidence, "evidence");
    }

    static Criterion pass(String name, String evidence) {
        return new Criterion(name, Verdict.PASS, evidence);
    }

    static Criterion fail(String name, String evidence) {
        return new Criterion(name, Verdict.FAIL, evidence);
    }

    static Criterion unknown(String name, String evidence) {
        return new Criterion(name, Verdict.UNKNOWN, evidence);
    }
}
