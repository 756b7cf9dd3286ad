package dev.mysqlsts.local;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** A {@link ClusterInChildJvm} process: commands in, answer lines out, every wait bounded. */
final class ChildJvm implements AutoCloseable {

    /** How long a child may take to start its cluster or to answer one command on a busy 2-core machine. */
    static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(180);

    private final String name;
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> output = Collections.synchronizedList(new ArrayList<>());

    ChildJvm(String name) throws IOException {
        this.name = name;
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = new ArrayList<>(List.of(java.toString(), "-cp", System.getProperty("java.class.path")));
        Stream.of("mysqlsts.mysqld", "mysqlsts.cache.dir").filter(key -> System.getProperty(key) != null)
                .forEach(key -> command.add("-D" + key + "=" + System.getProperty(key)));
        command.add(ClusterInChildJvm.class.getName());
        this.process = new ProcessBuilder(command).redirectErrorStream(true).start();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    output.add(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                output.add("(output ended: " + e + ")");
            }
        }, "child-jvm-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    /** The next line that starts with {@code prefix}, as words; fails with the child's output after the timeout. */
    String[] await(String prefix) throws InterruptedException {
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                throw new AssertionError("child JVM " + name + " did not print " + prefix + " within "
                        + ANSWER_TIMEOUT.toSeconds() + " s (alive: " + process.isAlive() + "); its output:\n" + output());
            }
            if (line.startsWith(prefix + " ") || line.equals(prefix)) {
                return line.split(" ");
            }
        }
    }

    void send(String command) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((command + "\n").getBytes(StandardCharsets.UTF_8));
        in.flush();
    }

    long pid() {
        return process.pid();
    }

    /** SIGKILL: no shutdown hook, no JUnit callback runs. */
    void killHard() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new AssertionError("child JVM " + name + " survived SIGKILL for 30 s");
        }
    }

    int awaitExit() throws InterruptedException {
        if (!process.waitFor(ANSWER_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("child JVM " + name + " did not exit; its output:\n" + output());
        }
        return process.exitValue();
    }

    String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }

    /**
     * Whether the process runs: alive and not a zombie. A process whose parent was killed is reaped by this
     * machine's init, which may take a moment; until then {@link ProcessHandle#isAlive()} is true for the dead
     * process (state Z in {@code /proc/<pid>/stat}).
     */
    static boolean running(ProcessHandle process) {
        if (!process.isAlive()) {
            return false;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(process.pid()), "stat"));
            String afterName = stat.substring(stat.lastIndexOf(')') + 1).trim();
            return !afterName.startsWith("Z") && !afterName.startsWith("X");
        } catch (IOException e) {
            return false; // gone
        }
    }

    /** Running server processes started from a data directory under {@code dir} (their {@code --defaults-file}). */
    static List<ProcessHandle> serversUnder(Path dir) {
        return ProcessReaper.serversUnder(dir).stream().filter(ChildJvm::running).toList();
    }
}
