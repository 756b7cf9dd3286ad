package dev.mysqlsts.statements;

import static org.apiguardian.api.API.Status.INTERNAL;

import com.mysql.cj.MysqlConnection;
import com.mysql.cj.Query;
import com.mysql.cj.interceptors.QueryInterceptor;
import com.mysql.cj.log.Log;
import com.mysql.cj.protocol.Resultset;
import com.mysql.cj.protocol.ServerSession;
import java.util.Properties;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * The Connector/J query interceptor on the connections the harness hands out: each statement, its time and whether
 * it failed go to the cluster's {@link StatementLog}. Connector/J makes one per connection, by name, from the URL's
 * {@code queryInterceptors} parameter (so the class is public); the URL's {@value StatementLog#LOG_PROPERTY}
 * names the log. A connection whose log is gone (its cluster closed) records nothing.
 */
@API(status = INTERNAL)
public final class StatementRecorder implements QueryInterceptor {

    private StatementLog log;
    private MysqlConnection connection;
    private int number;
    private String pod;
    private RecordedStatement current;
    private boolean sentAny;

    @Override
    public QueryInterceptor init(MysqlConnection connection, Properties properties, Log driverLog) {
        this.connection = connection;
        this.log = StatementLog.find(properties.getProperty(StatementLog.LOG_PROPERTY));
        if (log != null) {
            number = log.newConnection();
            pod = log.podAt(properties.getProperty("port")); // HostInfo.exposeAsProperties' keys
            String database = properties.getProperty("dbname");
            if (database != null && !database.isEmpty()) { // chosen in the handshake, not by a statement
                log.sent(number, pod, 0, "USE `" + database.replace("`", "``") + "`", false).end(false);
            }
        }
        return this;
    }

    @Override
    public <T extends Resultset> T preProcess(Supplier<String> sql, Query query) {
        if (log != null) {
            long thread;
            try {
                thread = connection.getId();
            } catch (RuntimeException e) {
                thread = 0;
            }
            String text = sql.get();
            // Connector/J opens each connection with SET autocommit=1 (its default, the server's too)
            boolean driver = !sentAny && text.equals("SET autocommit=1");
            sentAny = true;
            current = log.sent(number, pod, thread, text, driver);
        }
        return null;
    }

    @Override
    public <T extends Resultset> T postProcess(Supplier<String> sql, Query query, T result, ServerSession session) {
        RecordedStatement statement = current;
        current = null;
        if (statement != null) {
            statement.end(result == null); // Connector/J passes null when the statement threw
        }
        return null;
    }

    /** Only the test's own statements, not those another interceptor might send from inside one. */
    @Override
    public boolean executeTopLevelOnly() {
        return true;
    }

    @Override
    public void destroy() {
        if (log != null) {
            log.closed(number, pod);
            log = null;
        }
    }
}
