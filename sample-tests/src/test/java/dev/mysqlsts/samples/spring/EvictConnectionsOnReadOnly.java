package dev.mysqlsts.samples.spring;

import com.zaxxer.hikari.SQLExceptionOverride;
import java.sql.SQLException;

/**
 * HikariCP keeps a connection after an error it does not know as fatal. After a fail-over, a pooled connection still
 * on the old leader fails every write with 1290 (read-only): evicting it makes the next attempt take a new connection,
 * which the writer endpoint sends to the new leader.
 */
public class EvictConnectionsOnReadOnly implements SQLExceptionOverride {

    @java.lang.Override // SQLExceptionOverride.Override, the verdict's type, hides the annotation's simple name
    public Override adjudicate(SQLException e) {
        return e.getErrorCode() == 1290 ? Override.MUST_EVICT : Override.CONTINUE_EVICT;
    }
}
