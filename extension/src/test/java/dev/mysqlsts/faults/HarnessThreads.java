package dev.mysqlsts.faults;

import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;

/** The threads the harness made for one cluster (named after it: tasks, timer, exit watchers, proxies). */
final class HarnessThreads {

    private HarnessThreads() {
    }

    static List<String> of(String clusterName) {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName)
                .filter(name -> name.contains(clusterName + "-")).sorted().toList();
    }

    /** Waits (a few seconds: a stopped thread needs a moment to end) until the cluster's threads are gone. */
    static void awaitNoneLeft(String clusterName) {
        Awaitility.await("the threads of cluster " + clusterName + " to end").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(100)).until(() -> of(clusterName), Matchers.empty());
    }
}
