package dev.mysqlsts.cluster;

import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.backend.PodEndpoint;
import dev.mysqlsts.backend.RunningStatefulSet;
import java.sql.Connection;
import javax.sql.DataSource;

/** A pod of a running StatefulSet; its address is looked up on every use, so it follows restarts. */
final class Pod implements MySqlPod {

    private final RunningStatefulSet statefulSet;
    private final PodConnector connector;
    private final int ordinal;

    Pod(RunningStatefulSet statefulSet, PodConnector connector, int ordinal) {
        this.statefulSet = statefulSet;
        this.connector = connector;
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
        return connector.jdbcUrl(endpoint());
    }

    @Override
    public Connection connection() {
        PodEndpoint endpoint = endpoint();
        return connector.connect(endpoint, "root", endpoint.userPassword());
    }

    Connection connection(String user, String password) {
        return connector.connect(endpoint(), user, password);
    }

    @Override
    public DataSource dataSource() {
        return new PodDataSource(this);
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
