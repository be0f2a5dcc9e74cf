package dev.safeshift.postgres;

/**
 * The 64-bit constants that key each term of the row hash to its place in the row. Every term's
 * seed is the row's key material XOR the constant of the term's slot:
 * <ul>
 *   <li>slot 0: the row's existence term;</li>
 *   <li>slots 1 to 1600: the value of the column at that position (PostgreSQL allows 1,600 columns);</li>
 *   <li>slots 2049 to 3648: a NULL in the column at position slot - 2048;</li>
 *   <li>slot 4095: where the chain over a hashed key starts.</li>
 * </ul>
 * The constant of a slot is {@code (slot << 52) XOR} the low 52 bits of {@code splitmix64(slot + C)}:
 * its top 12 bits are the slot itself, so an integer key below 2^52 XOR the constant keeps the slot
 * readable in the seed, and no two (key, slot) pairs give the same seed. The low bits are
 * scrambled so that the XOR of any two constants is distinct from the XOR of any other two: the
 * argument in docs/verification.md needs that, and a unit test checks it for every slot.
 */
final class HashSlots {

    /** The slot of the row's existence term. */
    static final int EXISTENCE = 0;
    /** The most columns a PostgreSQL table can have, so the highest column slot. */
    static final int MAX_COLUMNS = 1_600;
    /** Added to a column's position for the slot of a NULL in it. */
    static final int NULL_OFFSET = 2_048;
    /** The slot the chain over a hashed key starts from. */
    static final int KEY_CHAIN = 4_095;
    /** Slots are 12 bits. */
    static final int SLOTS = 4_096;

    /** Fixed once: changing it changes every hash, which is harmless but makes old figures incomparable. */
    private static final long OFFSET = 0x5AFE_5B1F_7C0F_FEE5L;
    private static final long LOW_52 = (1L << 52) - 1;

    private HashSlots() {
    }

    /** The constant of {@code slot}, 0 to 4095. */
    static long of(int slot) {
        if (slot < 0 || slot >= SLOTS) {
            throw new IllegalArgumentException("a slot is between 0 and " + (SLOTS - 1) + ", not " + slot);
        }
        return ((long) slot << 52) ^ (splitmix64(slot + OFFSET) & LOW_52);
    }

    /** The slot of the value of the column at 1-based {@code position}. */
    static int column(int position) {
        if (position < 1 || position > MAX_COLUMNS) {
            throw new IllegalArgumentException("a column position is between 1 and " + MAX_COLUMNS + ", not " + position);
        }
        return position;
    }

    /** The slot of a NULL in the column at 1-based {@code position}. */
    static int nullOf(int position) {
        return NULL_OFFSET + column(position);
    }

    /** The constant of {@code slot} as an SQL bigint literal. */
    static String literal(int slot) {
        long value = of(slot);
        return value < 0 ? "(" + value + ")::int8" : value + "::int8";
    }

    /** Sebastiano Vigna's splitmix64 finalizer: a fixed, well-mixed bijection of 64-bit values. */
    static long splitmix64(long x) {
        long z = x + 0x9E37_79B9_7F4A_7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58_476D_1CE4_E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D0_49BB_1331_11EBL;
        return z ^ (z >>> 31);
    }
}
