package dev.safeshift.postgres.pgbouncer;

import dev.safeshift.plan.Endpoint;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import org.postgresql.Driver;

/**
 * A connection to PgBouncer's admin console, speaking the simple query protocol itself. The JDBC
 * driver cannot be used there: PgBouncer reports its own version (1.x) as the server's, for which
 * the driver sends {@code SET extra_float_digits} after logging in, and the console of PgBouncer
 * before 1.21 refuses that. Logs in with trust, a clear-text, MD5 or SCRAM-SHA-256 password; TLS
 * is not spoken, so the console is reached as PgBouncer listens without it (a local or private
 * address).
 */
final class AdminConsole implements AutoCloseable {

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;

    private AdminConsole(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new DataInputStream(new BufferedInputStream(socket.getInputStream()));
        this.out = socket.getOutputStream();
    }

    /**
     * Logs in to the console of {@code admin}'s URL.
     *
     * @param commandTimeout how long any answer may take before the connection fails; zero for no limit
     */
    static AdminConsole open(Endpoint admin, Duration connectTimeout, Duration commandTimeout) throws SQLException {
        Properties url = Driver.parseURL(admin.url(), new Properties());
        if (url == null) {
            throw new SQLException("not a jdbc:postgresql:// URL: " + admin.redactedUrl());
        }
        String host = url.getProperty("PGHOST", "localhost").split(",")[0];
        int port = Integer.parseInt(url.getProperty("PGPORT", "5432").split(",")[0]);
        String database = url.getProperty("PGDBNAME", "pgbouncer");
        Socket socket = new Socket();
        try {
            socket.connect(new InetSocketAddress(host, port), (int) connectTimeout.toMillis());
            socket.setSoTimeout((int) connectTimeout.toMillis());
            AdminConsole console = new AdminConsole(socket);
            console.login(admin.user(), admin.password().orElse(null), database);
            socket.setSoTimeout((int) commandTimeout.toMillis());
            return console;
        } catch (IOException e) {
            closeQuietly(socket);
            throw new SQLException(e.getMessage() == null ? e.toString() : e.getMessage(), "08001", e);
        } catch (SQLException | RuntimeException e) {
            closeQuietly(socket);
            throw e;
        }
    }

    /** Runs one command; returns the rows it answered, each column by name, values as text (null for NULL). */
    List<Map<String, String>> execute(String command) throws SQLException {
        try {
            ByteArrayOutputStream body = new ByteArrayOutputStream();
            cstring(body, command);
            send('Q', body.toByteArray());
            List<String> columns = List.of();
            List<Map<String, String>> rows = new ArrayList<>();
            SQLException error = null;
            while (true) {
                int type = in.readUnsignedByte();
                byte[] message = new byte[in.readInt() - 4];
                in.readFully(message);
                switch (type) {
                    case 'T' -> columns = columns(message);
                    case 'D' -> rows.add(row(message, columns));
                    case 'E' -> error = error(message);
                    case 'Z' -> {
                        if (error != null) {
                            throw error;
                        }
                        return rows;
                    }
                    default -> {
                        // CommandComplete, notices, parameter changes: nothing to keep
                    }
                }
            }
        } catch (IOException e) {
            closeQuietly(socket);
            throw new SQLException("the admin console connection failed: " + e.getMessage(), "08006", e);
        }
    }

    /** Ends the connection at once, whatever it waits for. */
    void abort() {
        closeQuietly(socket);
    }

    @Override
    public void close() {
        try {
            send('X', new byte[0]);
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly(socket);
    }

    private void login(String user, String password, String database) throws IOException, SQLException {
        ByteArrayOutputStream startup = new ByteArrayOutputStream();
        int32(startup, 196608);
        cstring(startup, "user");
        cstring(startup, user);
        cstring(startup, "database");
        cstring(startup, database);
        cstring(startup, "application_name");
        cstring(startup, "safeshift");
        startup.write(0);
        byte[] body = startup.toByteArray();
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        int32(packet, body.length + 4);
        packet.write(body);
        out.write(packet.toByteArray());
        out.flush();
        Scram scram = null;
        while (true) {
            int type = in.readUnsignedByte();
            byte[] message = new byte[in.readInt() - 4];
            in.readFully(message);
            if (type == 'E') {
                throw error(message);
            }
            if (type == 'Z') {
                return;
            }
            if (type != 'R') {
                continue;
            }
            int code = readInt(message, 0);
            switch (code) {
                case 0 -> {
                    // logged in
                }
                case 3 -> sendPassword(requirePassword(password, user));
                case 5 -> {
                    HexFormat hex = HexFormat.of();
                    String inner = hex.formatHex(md5((requirePassword(password, user) + user).getBytes(StandardCharsets.UTF_8)));
                    byte[] salted = concat(inner.getBytes(StandardCharsets.US_ASCII), java.util.Arrays.copyOfRange(message, 4, 8));
                    sendPassword("md5" + hex.formatHex(md5(salted)));
                }
                case 10 -> {
                    scram = new Scram(requirePassword(password, user));
                    ByteArrayOutputStream initial = new ByteArrayOutputStream();
                    cstring(initial, "SCRAM-SHA-256");
                    byte[] first = scram.clientFirst().getBytes(StandardCharsets.UTF_8);
                    int32(initial, first.length);
                    initial.write(first);
                    send('p', initial.toByteArray());
                }
                case 11 -> send('p', scram.clientFinal(new String(message, 4, message.length - 4, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
                case 12 -> {
                    // SCRAM's server signature; the server proved nothing we rely on
                }
                default -> throw new SQLException("the admin console asks for an authentication this client does not"
                        + " speak (code " + code + "); use trust, password, md5 or scram-sha-256", "28000");
            }
        }
    }

    private static String requirePassword(String password, String user) throws SQLException {
        if (password == null) {
            throw new SQLException("the admin console asks a password of " + user + ", and cutover.pgbouncer gives"
                    + " none", "28P01");
        }
        return password;
    }

    private void sendPassword(String password) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        cstring(body, password);
        send('p', body.toByteArray());
    }

    private void send(char type, byte[] body) throws IOException {
        ByteArrayOutputStream packet = new ByteArrayOutputStream();
        packet.write(type);
        int32(packet, body.length + 4);
        packet.write(body);
        out.write(packet.toByteArray());
        out.flush();
    }

    private static List<String> columns(byte[] message) {
        int count = ((message[0] & 0xff) << 8) | (message[1] & 0xff);
        List<String> names = new ArrayList<>();
        int at = 2;
        for (int i = 0; i < count; i++) {
            int end = at;
            while (message[end] != 0) {
                end++;
            }
            names.add(new String(message, at, end - at, StandardCharsets.UTF_8));
            at = end + 1 + 18;
        }
        return names;
    }

    private static Map<String, String> row(byte[] message, List<String> columns) {
        int count = ((message[0] & 0xff) << 8) | (message[1] & 0xff);
        Map<String, String> row = new LinkedHashMap<>();
        int at = 2;
        for (int i = 0; i < count; i++) {
            int length = readInt(message, at);
            at += 4;
            String value = null;
            if (length >= 0) {
                value = new String(message, at, length, StandardCharsets.UTF_8);
                at += length;
            }
            row.put(i < columns.size() ? columns.get(i) : Integer.toString(i), value);
        }
        return row;
    }

    private static SQLException error(byte[] message) {
        Map<Character, String> fields = new HashMap<>();
        int at = 0;
        while (at < message.length && message[at] != 0) {
            char field = (char) message[at++];
            int end = at;
            while (message[end] != 0) {
                end++;
            }
            fields.put(field, new String(message, at, end - at, StandardCharsets.UTF_8));
            at = end + 1;
        }
        return new SQLException(fields.getOrDefault('M', "unknown error"), fields.get('C'));
    }

    private static int readInt(byte[] bytes, int at) {
        return ((bytes[at] & 0xff) << 24) | ((bytes[at + 1] & 0xff) << 16) | ((bytes[at + 2] & 0xff) << 8)
                | (bytes[at + 3] & 0xff);
    }

    private static void int32(ByteArrayOutputStream out, int value) {
        out.write(value >>> 24);
        out.write(value >>> 16);
        out.write(value >>> 8);
        out.write(value);
    }

    private static void cstring(ByteArrayOutputStream out, String text) {
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        out.write(0);
    }

    private static byte[] md5(byte[] input) {
        try {
            return MessageDigest.getInstance("MD5").digest(input);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] first, byte[] second) {
        byte[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** The client side of SCRAM-SHA-256 (RFC 7677) without channel binding, as PostgreSQL speaks it. */
    private static final class Scram {

        private final String password;
        private final String clientFirstBare;

        Scram(String password) {
            this.password = password;
            byte[] nonce = new byte[18];
            new SecureRandom().nextBytes(nonce);
            this.clientFirstBare = "n=,r=" + Base64.getEncoder().encodeToString(nonce);
        }

        String clientFirst() {
            return "n,," + clientFirstBare;
        }

        String clientFinal(String serverFirst) throws SQLException {
            Map<String, String> fields = new HashMap<>();
            for (String part : serverFirst.split(",")) {
                int equals = part.indexOf('=');
                if (equals > 0) {
                    fields.put(part.substring(0, equals), part.substring(equals + 1));
                }
            }
            String nonce = fields.get("r");
            if (nonce == null || fields.get("s") == null || fields.get("i") == null
                    || !nonce.startsWith(clientFirstBare.substring(5))) {
                throw new SQLException("the admin console's SCRAM exchange is malformed", "08P01");
            }
            try {
                SecretKeyFactory pbkdf2 = SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256");
                byte[] salted = pbkdf2.generateSecret(new PBEKeySpec(password.toCharArray(),
                        Base64.getDecoder().decode(fields.get("s")), Integer.parseInt(fields.get("i")), 256)).getEncoded();
                byte[] clientKey = hmac(salted, "Client Key");
                byte[] storedKey = MessageDigest.getInstance("SHA-256").digest(clientKey);
                String withoutProof = "c=biws,r=" + nonce;
                byte[] signature = hmac(storedKey, clientFirstBare + "," + serverFirst + "," + withoutProof);
                byte[] proof = new byte[clientKey.length];
                for (int i = 0; i < proof.length; i++) {
                    proof[i] = (byte) (clientKey[i] ^ signature[i]);
                }
                return withoutProof + ",p=" + Base64.getEncoder().encodeToString(proof);
            } catch (GeneralSecurityException | IllegalArgumentException e) {
                throw new SQLException("SCRAM authentication failed: " + e.getMessage(), "28000", e);
            }
        }

        private static byte[] hmac(byte[] key, String text) throws GeneralSecurityException {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
        }
    }
}
