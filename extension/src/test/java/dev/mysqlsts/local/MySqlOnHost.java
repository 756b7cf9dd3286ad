package dev.mysqlsts.local;

import dev.mysqlsts.backend.Settings;

/**
 * For tests that need a real MySQL: whether the server the LOCAL backend would choose with this JVM's properties is a
 * MySQL {@code mysqld} (for example with {@code -Dmysqlsts.server=/usr/sbin/mysqld}, as .github/workflows/mysql8.yml
 * runs them). MySQL cannot be installed on the machines this project is built on, so there they are skipped.
 */
public final class MySqlOnHost {

    private MySqlOnHost() {
    }

    /** Used by {@code @EnabledIf("dev.mysqlsts.local.MySqlOnHost#chosen")}. */
    public static boolean chosen() {
        try {
            return new ServerBinariesLocator(Settings.systemProperties()).locate().isMySql();
        } catch (RuntimeException e) {
            return false;
        }
    }
}
