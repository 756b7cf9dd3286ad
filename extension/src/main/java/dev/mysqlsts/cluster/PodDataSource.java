package dev.mysqlsts.cluster;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.util.logging.Logger;
import javax.sql.DataSource;

/** A pod's {@link DataSource}: every connection is opened like {@code pod.connection()}, with its bounds and errors. */
final class PodDataSource implements DataSource {

    private final Pod pod;
    private int loginTimeoutSeconds;

    PodDataSource(Pod pod) {
        this.pod = pod;
    }

    @Override
    public Connection getConnection() {
        return pod.connection();
    }

    @Override
    public Connection getConnection(String user, String password) {
        return pod.connection(user, password);
    }

    @Override
    public PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // the harness logs through SLF4J
    }

    @Override
    public void setLoginTimeout(int seconds) {
        loginTimeoutSeconds = seconds; // the harness's connect timeout (mysqlsts.connectTimeout) applies
    }

    @Override
    public int getLoginTimeout() {
        return loginTimeoutSeconds;
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("the harness logs through SLF4J");
    }

    @Override
    public <T> T unwrap(Class<T> type) throws SQLException {
        if (type.isInstance(this)) {
            return type.cast(this);
        }
        throw new SQLException(this + " wraps nothing of type " + type.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> type) {
        return type.isInstance(this);
    }

    @Override
    public String toString() {
        return "DataSource[" + pod.name() + "]";
    }
}
