package dev.safeshift.store;

import java.time.Instant;

/**
 * One append-only timeline entry. {@code hash} = SHA-256 over the previous event's hash and this
 * event's fields, so an edited or deleted row breaks the chain.
 */
public record TimelineEvent(
        long seq, Instant at, String kind, String actor, String detail, String previousHash, String hash) {
}
