package dev.safeshift.plan;

import java.util.regex.Pattern;

/** Keeps secrets out of terminal output and logs. */
public final class Redaction {

    private static final Pattern PASSWORD_PARAMETER = Pattern.compile("(?i)(password=)[^&;]*");
    private static final Pattern USER_INFO = Pattern.compile("(//[^/:@]+:)[^@/]*@");

    private Redaction() {
    }

    public static String redactUrl(String url) {
        if (url == null) {
            return null;
        }
        String withoutParameter = PASSWORD_PARAMETER.matcher(url).replaceAll("$1***");
        return USER_INFO.matcher(withoutParameter).replaceAll("$1***@");
    }
}
