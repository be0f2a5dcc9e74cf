package dev.safeshift.plan;

import java.net.URI;
import java.util.Locale;
import java.util.Objects;

/**
 * The plan's {@code cutover.prometheus} section: the Prometheus server that triggers with
 * {@code provider: prometheus} ask their PromQL queries of.
 *
 * @param url the server's base address, such as {@code http://prometheus.internal:9090}; its HTTP API
 *            is under {@code /api/v1} of it
 */
public record PrometheusSettings(URI url) {

    public PrometheusSettings {
        Objects.requireNonNull(url, "url");
        if (url.getRawUserInfo() != null) {
            // said without the URL, which holds a password
            throw new IllegalArgumentException("a Prometheus URL carries no user or password");
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || url.getHost() == null) {
            throw new IllegalArgumentException("a Prometheus URL is http:// or https:// and a host, not " + url);
        }
        if (url.getRawQuery() != null || url.getRawFragment() != null) {
            throw new IllegalArgumentException("a Prometheus URL has no query or fragment: " + url);
        }
    }

    /** The address of an API call such as {@code query}: the base address, then {@code /api/v1/query}. */
    public URI api(String call) {
        String path = url.getRawPath() == null ? "" : url.getRawPath().replaceAll("/+$", "");
        return URI.create(url.getScheme() + "://" + url.getRawAuthority() + path + "/api/v1/" + call);
    }
}
