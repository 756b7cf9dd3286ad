package dev.mysqlsts.faults;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;

/**
 * Keeps every worker of {@link ForkJoinPool#commonPool()} busy, as a test's own background work does (writer loops
 * started with {@code CompletableFuture.runAsync}, parallel streams): one task per worker through
 * {@code CompletableFuture.runAsync} (the default async pool: the common pool on JDK 25, a thread per task on JDK 17
 * where the parallelism is 1) and one through the common pool itself, so that its workers are taken on every JDK. A
 * task submitted after them, {@link #starved()}, tells whether any worker was free meanwhile.
 */
final class BusyCommonPool implements AutoCloseable {

    private final AtomicInteger running = new AtomicInteger();
    private volatile boolean released;
    private final ForkJoinTask<?> marker;

    BusyCommonPool() {
        int workers = ForkJoinPool.getCommonPoolParallelism();
        Runnable occupy = () -> {
            running.incrementAndGet();
            while (!released) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // no managed block: the pool adds no worker
            }
        };
        for (int i = 0; i < workers; i++) {
            CompletableFuture.runAsync(occupy);
            ForkJoinPool.commonPool().execute(occupy);
        }
        Awaitility.await("every common-pool worker busy").atMost(Duration.ofSeconds(30))
                .until(() -> running.get() >= workers);
        marker = ForkJoinPool.commonPool().submit(() -> { });
    }

    /** Whether no common-pool worker has been free since the pool was made busy: the marker task has not run. */
    boolean starved() {
        return !marker.isDone();
    }

    @Override
    public void close() {
        released = true;
    }
}
