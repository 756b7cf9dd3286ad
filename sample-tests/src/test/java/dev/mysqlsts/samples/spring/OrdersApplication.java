package dev.mysqlsts.samples.spring;

import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.datasource.LazyConnectionDataSourceProxy;

/**
 * A small order service as a team would write it: Spring Boot, JdbcTemplate, HikariCP, Flyway migrations
 * ({@code db/orders}). Writes go to {@code spring.datasource.url}, the writer endpoint; transactions marked
 * {@code @Transactional(readOnly = true)} go to {@code mysqlsts.read-url}, the read endpoint (the {@code mysql-read}
 * Service). In production both URLs come from the application's config; under {@code @MySqlStatefulSet} the
 * harness sets them, with no line in the test.
 */
@SpringBootApplication
public class OrdersApplication {

    /**
     * Spring's own read/write split: a connection is taken only once the transaction is known to be read-only or
     * not, from the read pool or the write pool. Flyway runs outside a read-only transaction: on the writer.
     */
    @Bean
    @Primary
    DataSource dataSource(@Qualifier("writePool") HikariDataSource writePool, @Qualifier("readPool") HikariDataSource readPool) {
        LazyConnectionDataSourceProxy routing = new LazyConnectionDataSourceProxy(writePool);
        routing.setReadOnlyDataSource(readPool);
        return routing;
    }

    @Bean
    HikariDataSource writePool(@Value("${spring.datasource.url}") String url, @Value("${spring.datasource.username}") String user,
            @Value("${spring.datasource.password:}") String password) {
        HikariDataSource pool = pool("orders-write", url, user, password);
        pool.setExceptionOverrideClassName(EvictConnectionsOnReadOnly.class.getName());
        return pool;
    }

    @Bean
    HikariDataSource readPool(@Value("${mysqlsts.read-url}") String url, @Value("${spring.datasource.username}") String user,
            @Value("${spring.datasource.password:}") String password) {
        return pool("orders-read", url, user, password);
    }

    private static HikariDataSource pool(String name, String url, String user, String password) {
        HikariDataSource pool = new HikariDataSource();
        pool.setPoolName(name);
        pool.setJdbcUrl(url);
        pool.setUsername(user);
        pool.setPassword(password);
        pool.setMaximumPoolSize(4);
        pool.setConnectionTimeout(5_000);
        // the application's own bound on a query: a leader that stops answering becomes an error, not a hang
        pool.addDataSourceProperty("socketTimeout", "5000");
        return pool;
    }
}
