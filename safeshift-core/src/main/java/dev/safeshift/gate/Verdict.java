package dev.safeshift.gate;

/** One criterion of the go/no-go gate: it holds, it does not, or it cannot be told now. */
public enum Verdict {
    PASS,
    FAIL,
    /** Not known right now (no report yet); the gate passes only when every criterion is PASS. */
    UNKNOWN
}
