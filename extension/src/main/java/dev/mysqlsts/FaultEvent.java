package dev.mysqlsts;

import java.time.Instant;
import java.util.List;

/**
 * One fault of the current test, as {@link Faults#history()} lists it.
 *
 * <pre>{@code
 * faults.isolate(2);
 * FaultEvent event = faults.history().get(0);   // kind "isolate", ordinals [2], ended null until heal()
 * }</pre>
 *
 * @param kind     the {@link Faults} method that made it: {@code kill}, {@code killAll}, {@code powerCut}, {@code deletePod},
 *                 {@code pause}, {@code isolate}, {@code partition}, {@code cut}, {@code latency},
 *                 {@code breakReadiness}, {@code stopReplication}, {@code delayReplication}, {@code loss},
 *                 {@code jitter}, {@code bandwidth}, {@code clock-skew}, {@code disk-full}, {@code io-errors};
 *                 {@code client-...} for {@link Faults#client(int)}; and
 *                 {@code failover}: a schedule's fail-over step, from the leader's crash to the return of the test's
 *                 fail-over code (see {@link ChaosOptions#failover})
 * @param ordinals the pods it hit, in the order the call named them (for {@code cut}: from, to; for
 *                 {@code partition}: the side that was named)
 * @param started  when it was injected
 * @param ended    when it was undone ({@code resume}, {@code heal()}, ...); null while it is in force. A crash
 *                 ({@code kill}, {@code killAll}, {@code powerCut}, {@code deletePod}) ends when the pod is Ready again or at the
 *                 next heal, whichever the harness sees first
 */
public record FaultEvent(String kind, List<Integer> ordinals, Instant started, Instant ended) {

    public FaultEvent {
        ordinals = List.copyOf(ordinals);
    }

    /** Whether the fault is in force at {@code instant}. */
    public boolean inForceAt(Instant instant) {
        return !instant.isBefore(started) && (ended == null || instant.isBefore(ended));
    }

    @Override
    public String toString() {
        return kind + ordinals + " from " + started + (ended == null ? " (in force)" : " to " + ended);
    }
}
