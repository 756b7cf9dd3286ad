package dev.mysqlsts.local;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs helper programs (install-db, backup, dump) to completion and turns failures into readable errors. */
final class Commands {

    private Commands() {
    }

    /**
     * Runs a command, waits for it (at most {@code timeout}) and returns its standard output; stderr goes to
     * {@code log}. The output goes through a file: reading a pipe would wait for a command that never ends.
     */
    static String run(List<String> command, Path log, Duration timeout) {
        Path out = null;
        try {
            out = Files.createTempFile(log.toAbsolutePath().getParent(), "command-", ".out");
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile())
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            process.getOutputStream().close();
            await(process, command, log, timeout);
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new LocalBackendException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // in the pod's or the cache's directory, removed with it
                }
            }
        }
    }

    /** Runs a command with its standard input read from {@code input} and its output written to {@code output}. */
    static void run(List<String> command, ProcessBuilder.Redirect input, ProcessBuilder.Redirect output, Path log,
                    Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).redirectInput(input).redirectOutput(output)
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
            if (input == ProcessBuilder.Redirect.PIPE) {
                process.getOutputStream().close();
            }
            await(process, command, log, timeout);
        } catch (IOException e) {
            throw new LocalBackendException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** Runs a command in {@code directory}, its output and errors appended to {@code log}, and waits for it. */
    static void run(List<String> command, Path directory, Path log, Duration timeout) {
        try {
            Process process = new ProcessBuilder(command).directory(directory.toFile())
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).redirectErrorStream(true).start();
            process.getOutputStream().close();
            await(process, command, log, timeout);
        } catch (IOException e) {
            throw new LocalBackendException("could not run " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code producer | consumer}, as a shell pipe would, and waits for both. */
    static void pipe(List<String> producer, List<String> consumer, Path log, Duration timeout) {
        List<ProcessBuilder> builders = new ArrayList<>();
        builders.add(new ProcessBuilder(producer).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())));
        builders.add(new ProcessBuilder(consumer).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())));
        try {
            List<Process> processes = ProcessBuilder.startPipeline(builders);
            processes.get(0).getOutputStream().close();
            await(processes.get(0), producer, log, timeout);
            await(processes.get(1), consumer, log, timeout);
        } catch (IOException e) {
            throw new LocalBackendException("could not run " + producer.get(0) + " | " + consumer.get(0) + ": "
                    + e.getMessage(), e);
        }
    }

    private static void await(Process process, List<String> command, Path log, Duration timeout) {
        try {
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly); // a script's children too
                process.destroyForcibly();
                throw new LocalBackendException(name(command) + " did not finish within " + timeout.toSeconds()
                        + " s\n" + tail(log, 20));
            }
        } catch (InterruptedException e) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new LocalBackendException("interrupted while running " + name(command), e);
        }
        if (process.exitValue() != 0) {
            throw new LocalBackendException(name(command) + " failed with exit code " + process.exitValue()
                    + "\ncommand: " + printable(command) + "\nlast lines of " + log + ":\n" + tail(log, 20));
        }
    }

    /** The command as a shell would show it, passwords masked. */
    static String printable(List<String> command) {
        return command.stream().map(word -> word.startsWith("--password=") ? "--password=***" : word)
                .collect(java.util.stream.Collectors.joining(" "));
    }

    private static String name(List<String> command) {
        return Path.of(command.get(0)).getFileName().toString();
    }

    /** The last lines of a log file, indented, or a note that there is none. */
    static String tail(Path file, int lines) {
        try {
            if (!Files.exists(file)) {
                return "    (no " + file.getFileName() + " was written)";
            }
            List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
            StringBuilder text = new StringBuilder();
            for (String line : all.subList(Math.max(0, all.size() - lines), all.size())) {
                text.append("    ").append(line).append('\n');
            }
            return text.toString();
        } catch (IOException e) {
            return "    (could not read " + file + ": " + e.getMessage() + ")";
        }
    }
}
