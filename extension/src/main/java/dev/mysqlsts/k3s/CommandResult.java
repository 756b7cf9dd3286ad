package dev.mysqlsts.k3s;

import java.util.Objects;

/**
 * How a command run on the node or in a container ended.
 *
 * @param exitCode the process's exit code
 * @param stdout   what it wrote to standard output
 * @param stderr   what it wrote to standard error
 */
record CommandResult(int exitCode, String stdout, String stderr) {

    CommandResult {
        stdout = Objects.requireNonNullElse(stdout, "");
        stderr = Objects.requireNonNullElse(stderr, "");
    }

    static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "");
    }

    static CommandResult failed(int exitCode, String stderr) {
        return new CommandResult(exitCode, "", stderr);
    }

    boolean succeeded() {
        return exitCode == 0;
    }

    /** Standard error and output together, stripped, for messages. */
    String output() {
        String err = stderr.strip();
        String out = stdout.strip();
        if (err.isEmpty()) {
            return out;
        }
        return out.isEmpty() ? err : err + "\n" + out;
    }
}
