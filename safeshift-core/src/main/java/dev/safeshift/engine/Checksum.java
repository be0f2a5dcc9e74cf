package dev.safeshift.engine;

import java.math.BigInteger;

/**
 * The fingerprint of a set of rows: how many there are and the sum of a 64-bit hash of each row's
 * normalized text. A sum does not depend on row order and, unlike XOR, two equal rows do not
 * cancel each other out.
 */
public record Checksum(long rows, BigInteger hashSum) {

    public static final Checksum EMPTY = new Checksum(0, BigInteger.ZERO);

    public Checksum plus(Checksum other) {
        return new Checksum(rows + other.rows, hashSum.add(other.hashSum));
    }
}
