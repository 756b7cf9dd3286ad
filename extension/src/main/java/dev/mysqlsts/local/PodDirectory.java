package dev.mysqlsts.local;

import java.nio.file.Path;

/**
 * A pod's files on this host: {@code data/} is its persistent volume (kept across restarts for the
 * cluster's life), {@code conf.d/} the emptyDir that the init container fills, {@code my.cnf} what the
 * server reads.
 */
record PodDirectory(Path root) {

    Path data() {
        return root.resolve("data");
    }

    Path confD() {
        return root.resolve("conf.d");
    }

    Path myCnf() {
        return root.resolve("my.cnf");
    }

    Path errorLog() {
        return root.resolve("error.log");
    }

    /** Output of the server process and of the clone tools. */
    Path consoleLog() {
        return root.resolve("console.log");
    }

    /** Whether the volume holds a data directory already (the clone init container's test). */
    boolean hasData() {
        return data().resolve("mysql").toFile().isDirectory();
    }
}
