package dev.safeshift.plan;

import java.util.Optional;

/**
 * A database to connect to. The password is never written in the plan: {@code passwordVariable}
 * names the environment variable it was read from, and {@code password} holds its value.
 */
public record Endpoint(String url, String user, Optional<String> passwordVariable, Optional<String> password) {

    public Endpoint {
        Optional.ofNullable(url).orElseThrow();
        passwordVariable = passwordVariable == null ? Optional.empty() : passwordVariable;
        password = password == null ? Optional.empty() : password;
    }

    public static Endpoint of(String url, String user) {
        return new Endpoint(url, user, Optional.empty(), Optional.empty());
    }

    /** The URL with any inline password replaced, safe to print and log. */
    public String redactedUrl() {
        return Redaction.redactUrl(url);
    }

    @Override
    public String toString() {
        return "Endpoint[" + redactedUrl() + ", user=" + user
                + passwordVariable.map(v -> ", password=${" + v + "}").orElse("") + "]";
    }
}
