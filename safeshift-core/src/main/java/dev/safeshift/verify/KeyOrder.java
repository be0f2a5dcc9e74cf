package dev.safeshift.verify;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;

/** Orders keys for reports, column by column: numbers as numbers, then everything else as text. */
final class KeyOrder implements Comparator<List<String>> {

    static final KeyOrder INSTANCE = new KeyOrder();

    private KeyOrder() {
    }

    @Override
    public int compare(List<String> a, List<String> b) {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int order = compare(a.get(i), b.get(i));
            if (order != 0) {
                return order;
            }
        }
        return Integer.compare(a.size(), b.size());
    }

    private static int compare(String a, String b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        BigDecimal x = number(a);
        BigDecimal y = number(b);
        if (x != null && y != null) {
            int order = x.compareTo(y);
            return order != 0 ? order : a.compareTo(b);
        }
        if (x != null || y != null) {
            // Numbers before other text: comparing a number with text as text would make the order
            // circular ("2" < "10" as numbers, "10" < "1a" < "2" as text), which sorting rejects.
            return x != null ? -1 : 1;
        }
        return a.compareTo(b);
    }

    private static BigDecimal number(String text) {
        if (text.isEmpty() || text.length() > 40) {
            return null;
        }
        char first = text.charAt(0);
        if (!(Character.isDigit(first) || first == '-')) {
            return null;
        }
        try {
            return new BigDecimal(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
