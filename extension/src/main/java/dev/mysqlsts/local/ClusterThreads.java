package dev.mysqlsts.local;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The threads of one LOCAL cluster: crash restarts and their delays, pod starts and stops, sidecars, volume copies,
 * snapshot starts. Daemon threads named {@code mysqlsts-<cluster>-...}, made here and stopped by {@link #close}.
 *
 * <p>The harness never waits on a pool it does not own: a test that keeps every worker of
 * {@code ForkJoinPool.commonPool()} busy (a {@code CompletableFuture.runAsync} writer loop, a parallel stream) would
 * otherwise starve it. On JDK 25 {@code CompletableFuture}'s default async pool is the common pool even where its
 * parallelism is 1 (JDK 17 ran a thread per task there, which hid this on 2-core machines),
 * {@code CompletableFuture.delayedExecutor} relays every delayed task through the common pool's delay scheduler, and
 * {@code Process.onExit()} completes through {@code handleAsync} on the default async pool, as on JDK 17 (JDK 25
 * sources: {@code java/util/concurrent/CompletableFuture.java}, {@code DelayedExecutor} and {@code ASYNC_POOL};
 * {@code java/lang/ProcessImpl.java}, {@code onExit}). So: no {@code *Async} call without an executor of ours, no
 * {@code delayedExecutor}, no {@code onExit()}.
 */
final class ClusterThreads implements Executor, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterThreads.class);
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final String clusterName;
    private final ExecutorService tasks;
    private final ScheduledExecutorService timer;

    ClusterThreads(String clusterName) {
        this.clusterName = clusterName;
        this.tasks = Executors.newCachedThreadPool(named("mysqlsts-" + clusterName + "-task-"));
        this.timer = Executors.newSingleThreadScheduledExecutor(named("mysqlsts-" + clusterName + "-timer-"));
    }

    /** Runs {@code task} on a thread of this cluster. */
    @Override
    public void execute(Runnable task) {
        tasks.execute(task);
    }

    /** Runs {@code task} on a thread of this cluster {@code delay} from now; nothing once the cluster closed. */
    void after(Duration delay, Runnable task) {
        try {
            timer.schedule(() -> {
                try {
                    tasks.execute(task);
                } catch (RejectedExecutionException closed) {
                    LOG.debug("cluster {} closed: a delayed task is not run", clusterName);
                }
            }, delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException closed) {
            LOG.debug("cluster {} closed: a delayed task is not scheduled", clusterName);
        }
    }

    /**
     * Stops every thread of the cluster: running tasks are interrupted, and this waits at most
     * {@value #CLOSE_WAIT_SECONDS} seconds for them (a task stuck in I/O does not keep the cluster from closing).
     */
    @Override
    public void close() {
        timer.shutdownNow();
        tasks.shutdownNow();
        try {
            if (!tasks.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.warn("cluster {}: some of its threads did not end within {} s of the stop; they are daemon threads "
                        + "and end with the JVM", clusterName, CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
