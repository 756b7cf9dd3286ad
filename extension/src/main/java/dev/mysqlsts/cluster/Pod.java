package dev.mysqlsts.cluster;

import com.mysql.cj.jdbc.MysqlDataSource;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.RunningStatefulSet;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import javax.sql.DataSource;

/** A pod of a running StatefulSet; its address is looked up on every use, so it follows restarts. */
final class Pod implements MySqlPod {

    private final RunningStatefulSet statefulSet;
    private final int ordinal;

    Pod(RunningStatefulSet statefulSet, int ordinal) {
        this.statefulSet = statefulSet;
        this.ordinal = ordinal;
    }

    @Override
    public int ordinal() {
        return ordinal;
    }

    @Override
    public String name() {
        return statefulSet.spec().podName(ordinal);
    }

    @Override
    public String jdbcUrl() {
        return endpoint().jdbcUrl();
    }

    @Override
    public Connection connection() {
        return connect(endpoint());
    }

    /** A connection as root to the endpoint; the error names it and its URL. */
    static Connection connect(PodEndpoint endpoint) {
        String url = endpoint.jdbcUrl();
        try {
            return DriverManager.getConnection(url);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot connect to " + (endpoint.ordinal() < 0 ? "" : "pod ")
                    + endpoint.name() + " at " + url + ": " + e.getMessage() + " (error " + e.getErrorCode() + ")", e);
        }
    }

    @Override
    public DataSource dataSource() {
        MysqlDataSource dataSource = new MysqlDataSource();
        dataSource.setURL(jdbcUrl());
        dataSource.setDescription(name());
        return dataSource;
    }

    @Override
    public boolean isReady() {
        return statefulSet.isReady(ordinal);
    }

    PodEndpoint endpoint() {
        return statefulSet.endpoint(ordinal);
    }

    @Override
    public String toString() {
        return name();
    }
}
