package dev.safeshift.plan;

import java.util.Collection;
import java.util.Locale;
import java.util.Optional;

/** Finds what a user probably meant when a name is slightly off. */
final class Suggestions {

    private Suggestions() {
    }

    /**
     * The candidate closest to {@code word}: the same ignoring case and {@code _}/{@code -}, a
     * prefix, or within a small edit distance that grows with the word's length (so short words
     * do not "match" unrelated short names).
     */
    static Optional<String> closest(String word, Collection<String> candidates) {
        String typed = normalize(word);
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        int allowed = Math.min(3, typed.length() / 3 + 1);
        for (String candidate : candidates) {
            String known = normalize(candidate);
            // Lengths further apart than the edits allowed cannot match, and a very long word would
            // make the distance table huge.
            if (Math.abs(typed.length() - known.length()) > allowed) {
                continue;
            }
            int distance = distance(typed, known);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        if (best != null && bestDistance <= allowed) {
            return Optional.of(best);
        }
        if (typed.length() >= 3) {
            for (String candidate : candidates) {
                String known = normalize(candidate);
                if (known.startsWith(typed) || typed.startsWith(known)) {
                    return Optional.of(candidate);
                }
            }
        }
        return Optional.empty();
    }

    private static String normalize(String name) {
        return name.toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Levenshtein distance that also counts swapping two neighbouring letters as one edit, the commonest typo. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
