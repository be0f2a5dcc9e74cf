package dev.safeshift.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.safeshift.SafeshiftException;
import dev.safeshift.plan.Endpoint;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Connection failures that need no database server: every one is a real attempt, not a simulation. */
class ConnectionsTest {

    @Test
    void closedPortIsReportedAsUnreachableWithHostAndPort() throws IOException {
        int port = closedPort();
        Endpoint endpoint = Endpoint.of("jdbc:postgresql://127.0.0.1:" + port + "/shop", "app");

        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> Connections.open(endpoint, "source"));

        assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.UNREACHABLE);
        assertThat(failure.getMessage()).isEqualTo("cannot reach the source database at 127.0.0.1:" + port
                + " (connection refused). Check host and port in the plan's source.url, and that the server is running.");
    }

    @Test
    void unknownHostIsNamed() {
        Endpoint endpoint = Endpoint.of("jdbc:postgresql://safeshift-no-such-host.invalid:5432/shop", "app");

        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> Connections.open(endpoint, "target"));

        assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.UNREACHABLE);
        assertThat(failure.getMessage()).startsWith(
                "cannot reach the target database at safeshift-no-such-host.invalid:5432 (unknown host).")
                .contains("target.url");
    }

    @Test
    void urlNoDriverAcceptsSaysSoWithoutThePassword() {
        Endpoint endpoint = Endpoint.of("jdbc:nosuchdb://db.example:1/x?password=hunter2", "app");

        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> Connections.open(endpoint, "control store"));

        assertThat(failure.kind()).isEqualTo(SafeshiftException.Kind.UNREACHABLE);
        assertThat(failure.getMessage())
                .startsWith("no JDBC driver on the class path accepts the control store URL jdbc:nosuchdb://db.example:1/x?password=***")
                .contains("control.url")
                .doesNotContain("hunter2");
    }

    @Test
    void inlinePasswordNeverAppearsInTheMessage() throws IOException {
        int port = closedPort();
        Endpoint endpoint = new Endpoint("jdbc:postgresql://127.0.0.1:" + port + "/shop?password=hunter2", "app",
                Optional.of("SHOP_PASSWORD"), Optional.of("hunter2"));

        SafeshiftException failure = catchThrowableOfType(SafeshiftException.class,
                () -> Connections.open(endpoint, "source"));

        assertThat(failure.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void planKeyOfARoleIsItsFirstWord() {
        assertThat(Connections.planKey("control store")).isEqualTo("control");
        assertThat(Connections.planKey("source")).isEqualTo("source");
    }

    @Test
    void hostAndPortComeFromTheUrl() {
        assertThat(Connections.hostAndPort(Endpoint.of("jdbc:postgresql://db.internal:6543/x", "u")))
                .isEqualTo("db.internal:6543");
        assertThat(Connections.hostAndPort(Endpoint.of("jdbc:postgresql://db.internal/x", "u")))
                .isEqualTo("db.internal");
        assertThat(Connections.hostAndPort(Endpoint.of("jdbc:postgresql:shop", "u")))
                .isEqualTo("jdbc:postgresql:shop");
    }

    /** A port on the loopback interface that nothing listens on (just released by us). */
    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
