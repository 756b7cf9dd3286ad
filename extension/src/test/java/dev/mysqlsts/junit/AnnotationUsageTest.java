package dev.mysqlsts.junit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlPod;
import dev.mysqlsts.MySqlStatefulSet;
import dev.mysqlsts.Ordinal;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The annotation works as a meta-annotation, and @Nested classes share the enclosing class's cluster. */
@AnnotationUsageTest.TwoPodMySql
class AnnotationUsageTest {

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @MySqlStatefulSet(replicas = 2)
    @interface TwoPodMySql {
    }

    static MySqlCluster outer;

    @BeforeAll
    static void remember(MySqlCluster cluster) {
        outer = cluster;
    }

    @Test
    void theMetaAnnotationsReplicasApply(MySqlCluster cluster) {
        assertEquals(2, cluster.replicas());
    }

    @Nested
    class InANestedClass {

        @Test
        void theClusterIsTheEnclosingClasssOne(MySqlCluster cluster, @Ordinal(1) MySqlPod follower,
                                                 @Ordinal(1) Connection connection) throws SQLException {
            assertSame(outer, cluster);
            assertEquals("mysql-1", follower.name());
            try (Statement sql = connection.createStatement(); ResultSet row = sql.executeQuery("SELECT @@server_id")) {
                row.next();
                assertEquals(101, row.getInt(1));
            }
        }
    }
}
