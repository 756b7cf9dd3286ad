package dev.mysqlsts.cluster;

import static org.apiguardian.api.API.Status.INTERNAL;

import dev.mysqlsts.backend.Settings;
import java.time.Duration;
import org.apiguardian.api.API;

/**
 * The bounds of every connection the harness hands out: a connect timeout that covers the MySQL handshake (a
 * frozen server behind a proxy accepts TCP but never greets) and an optional socket timeout for every read after.
 *
 * @param connect how long opening a connection may take; {@link Duration#ZERO}: no bound
 * @param socket  how long any read on an open connection may block; {@link Duration#ZERO}: no bound. The default,
 *                5 minutes, ends a read from a paused or cut-off pod long before any CI job's own timeout (a hung
 *                read would otherwise hold the job until then), yet lets a test's long query (a bulk load, an
 *                ALTER TABLE on the test's data) run: no query of a test cluster's size takes that long
 */
@API(status = INTERNAL)
public record ClientTimeouts(Duration connect, Duration socket) {

    /** Property: how long opening a connection may take, seconds or ISO-8601; {@code 0}: no bound. */
    public static final String CONNECT_TIMEOUT = "mysqlsts.connectTimeout";
    /** Property: how long a read on an open connection may block, seconds or ISO-8601; {@code 0}: no bound. */
    public static final String SOCKET_TIMEOUT = "mysqlsts.socketTimeout";

    public static final ClientTimeouts DEFAULT = new ClientTimeouts(Duration.ofSeconds(10), Duration.ofMinutes(5));

    public ClientTimeouts {
        if (connect.isNegative() || socket.isNegative()) {
            throw new IllegalArgumentException("timeouts cannot be negative: " + CONNECT_TIMEOUT + "=" + connect + ", "
                    + SOCKET_TIMEOUT + "=" + socket);
        }
    }

    /** The timeouts the {@code mysqlsts.*} properties give. */
    public static ClientTimeouts from(Settings settings) {
        return new ClientTimeouts(settings.duration(CONNECT_TIMEOUT, DEFAULT.connect()),
                settings.duration(SOCKET_TIMEOUT, DEFAULT.socket()));
    }

    /**
     * The URL parameters that bound a connection opened from a JDBC URL with {@code DriverManager}: Connector/J's
     * {@code connectTimeout} bounds the TCP connect, its {@code socketTimeout} every read after, the handshake
     * included (a paused pod behind its proxy accepts TCP but never greets).
     */
    String urlParameters() {
        return "&connectTimeout=" + connectMillis() + "&socketTimeout=" + socketMillis();
    }

    int connectMillis() {
        return (int) Math.min(Integer.MAX_VALUE, connect.toMillis());
    }

    int socketMillis() {
        return (int) Math.min(Integer.MAX_VALUE, socket.toMillis());
    }
}
