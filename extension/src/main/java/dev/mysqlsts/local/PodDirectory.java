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

    /**
     * Where the container's own files would be: an absolute path of the config outside the data volume (a log, a pid
     * file, a tmpdir) is kept at the same path under here (see {@link PlacementOptions}).
     */
    Path rootFs() {
        return root.resolve("rootfs");
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
