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
 * @param socket  how long any read on an open connection may block; {@link Duration#ZERO}: no bound (the
 *                default, so that long queries keep working)
 */
@API(status = INTERNAL)
public record ClientTimeouts(Duration connect, Duration socket) {

    /** Property: how long opening a connection may take, seconds or ISO-8601; {@code 0}: no bound. */
    public static final String CONNECT_TIMEOUT = "mysqlsts.connectTimeout";
    /** Property: how long a read on an open connection may block, seconds or ISO-8601; unset or {@code 0}: no bound. */
    public static final String SOCKET_TIMEOUT = "mysqlsts.socketTimeout";

    public static final ClientTimeouts DEFAULT = new ClientTimeouts(Duration.ofSeconds(10), Duration.ZERO);

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

    int connectMillis() {
        return (int) Math.min(Integer.MAX_VALUE, connect.toMillis());
    }

    int socketMillis() {
        return (int) Math.min(Integer.MAX_VALUE, socket.toMillis());
    }
}
