package dev.mysqlsts.faults;

import static dev.mysqlsts.faults.Rows.execute;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.MySqlStatefulSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/** assertConsistent() passes on a healthy cluster and names the table and pod that drifted. */
@MySqlStatefulSet(replicas = 3)
class ConsistencyTest {

    @Test
    void aRowChangedBehindReplicationsBackIsFound(MySqlCluster cluster) throws SQLException {
        execute(cluster.leader(), "CREATE DATABASE ledger", "CREATE TABLE ledger.entries (id INT PRIMARY KEY, amount INT)",
                "INSERT INTO ledger.entries VALUES (1, 100), (2, 200)");
        cluster.assertConsistent();

        // a change that never reaches the binary log, as a stray maintenance script might make
        execute(cluster.leader(), "SET sql_log_bin = 0", "UPDATE ledger.entries SET amount = 999 WHERE id = 2",
                "SET sql_log_bin = 1");

        AssertionError drift = assertThrows(AssertionError.class, cluster::assertConsistent);
        assertTrue(drift.getMessage().matches("(?s).*ledger\\.entries: mysql-0=\\d+ mysql-1=\\d+ \\(differs\\) mysql-2=\\d+ \\(differs\\).*"),
                drift.getMessage());
    }
}
