package dev.mysqlsts.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.mysqlsts.FaultEvent;
import dev.mysqlsts.Faults;
import java.lang.reflect.Proxy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What a schedule's lift of io-errors does with a server that survived the failed writes, offline: one whose
 * replication no longer answers is killed (a 10-minute soak's follower had its replication threads deadlocked),
 * unless a full disk, which holds SHOW SLAVE STATUS too, explains the silence.
 */
class IoErrorsLiftTest {

    @Test
    void aFollowerWhoseReplicationNoLongerAnswersIsKilled() {
        FakeRun run = new FakeRun(false, List.of());
        ChaosKind.IO_ERRORS.undo(run, List.of(2), 0);
        assertEquals(List.of("lift io-errors [2]", "kill 2"), run.calls);
    }

    @Test
    void aFollowerWhoseReplicationAnswersIsLeftRunning() {
        FakeRun run = new FakeRun(true, List.of());
        ChaosKind.IO_ERRORS.undo(run, List.of(2), 0);
        assertEquals(List.of("lift io-errors [2]"), run.calls);
    }

    @Test
    void aFullDiskOnThePodExplainsTheSilenceAndNothingIsKilled() {
        FakeRun run = new FakeRun(false, List.of(new FaultEvent("disk-full", List.of(2), Instant.now(), null)));
        ChaosKind.IO_ERRORS.undo(run, List.of(2), 0);
        assertEquals(List.of("lift io-errors [2]"), run.calls);
    }

    @Test
    void aFullDiskLiftedLessThanMariaDbsRetryAgoExplainsItTooButNotAnOlderOne() {
        Instant now = Instant.now();
        FakeRun recent = new FakeRun(false, List.of(new FaultEvent("disk-full", List.of(2), now.minusSeconds(8),
                now.minusSeconds(4))));
        ChaosKind.IO_ERRORS.undo(recent, List.of(2), 0);
        assertEquals(List.of("lift io-errors [2]"), recent.calls, "the IO thread sleeps until it looks at the disk");

        FakeRun old = new FakeRun(false, List.of(new FaultEvent("disk-full", List.of(2), now.minusSeconds(90),
                now.minusSeconds(70))));
        ChaosKind.IO_ERRORS.undo(old, List.of(2), 0);
        assertEquals(List.of("lift io-errors [2]", "kill 2"), old.calls);
    }

    private static final class FakeRun implements ChaosRun {
        final List<String> calls = new ArrayList<>();
        private final boolean answers;
        private final Faults faults;

        FakeRun(boolean answers, List<FaultEvent> history) {
            this.answers = answers;
            this.faults = (Faults) Proxy.newProxyInstance(Faults.class.getClassLoader(), new Class<?>[] {Faults.class},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "kill" -> {
                            calls.add("kill " + args[0]);
                            yield null;
                        }
                        case "history" -> history;
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
        }

        @Override
        public Faults faults() {
            return faults;
        }

        @Override
        public void lift(String kind, List<Integer> pods) {
            calls.add("lift " + kind + " " + pods);
        }

        @Override
        public boolean awaitReady(List<Integer> pods) {
            return true;
        }

        @Override
        public boolean replicationAnswers(int pod) {
            return answers;
        }

        @Override
        public void failover(int leader) {
            throw new UnsupportedOperationException();
        }
    }
}
