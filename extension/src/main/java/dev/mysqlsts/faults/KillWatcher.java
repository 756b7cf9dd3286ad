package dev.mysqlsts.faults;

import dev.mysqlsts.backend.RunningStatefulSet;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Ends a crash in the history when the crashed pods are Ready again: polls their readiness probe in the
 * background, for at most two minutes (after that, the next heal ends it).
 */
final class KillWatcher {

    private static final long POLL_MS = 100;
    private static final long GIVE_UP_MS = 120_000;
    private static final ScheduledExecutorService POLLER = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "mysqlsts-crash-watcher");
        thread.setDaemon(true);
        return thread;
    });

    private KillWatcher() {
    }

    static void endWhenReady(RunningStatefulSet statefulSet, List<Integer> ordinals, Runnable ended) {
        long deadline = System.currentTimeMillis() + GIVE_UP_MS;
        AtomicReference<ScheduledFuture<?>> self = new AtomicReference<>();
        self.set(POLLER.scheduleWithFixedDelay(() -> {
            boolean done;
            try {
                done = ordinals.stream().allMatch(n -> n < statefulSet.replicas() && statefulSet.isReady(n));
            } catch (RuntimeException e) {
                done = false; // the cluster is closing or scaling; give up below
            }
            if (done) {
                ended.run();
            }
            if ((done || System.currentTimeMillis() > deadline) && self.get() != null) {
                self.get().cancel(false);
            }
        }, POLL_MS, POLL_MS, TimeUnit.MILLISECONDS));
    }
}
