package dev.safeshift.gate;

import dev.safeshift.plan.ChangeScript;
import dev.safeshift.plan.Plan;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The SHA-256 of a plan's exact content: the plan file's bytes, and the SQL of its change with
 * where each script came from (a change may live in migration files next to the plan). A sign-off
 * is bound to it, so any edit of a threshold, a flag, a trigger or a statement asks for the
 * sign-offs again. Whitespace and comments count too: the file signed is the file that runs.
 */
public final class PlanFingerprint {

    private PlanFingerprint() {
    }

    public static String sha256(Plan plan) {
        MessageDigest digest = sha256();
        if (plan.file() != null) {
            try {
                digest.update(Files.readAllBytes(plan.file()));
            } catch (IOException e) {
                throw new IllegalStateException("the plan file " + plan.file() + " could not be read again to "
                        + "fingerprint it: " + e.getMessage(), e);
            }
        } else {
            // a plan made in code (the demo's) has no file; its fields stand for it
            digest.update(plan.toString().getBytes(StandardCharsets.UTF_8));
        }
        plan.change().ifPresent(change -> {
            for (ChangeScript script : change.scripts()) {
                digest.update(("\n-- change script " + script.origin() + "\n").getBytes(StandardCharsets.UTF_8));
                digest.update(script.sql().getBytes(StandardCharsets.UTF_8));
            }
        });
        return HexFormat.of().formatHex(digest.digest());
    }

    /** The first 12 hex digits, enough for people to tell two versions apart. */
    public static String shortForm(String sha256) {
        return sha256.substring(0, Math.min(12, sha256.length()));
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
