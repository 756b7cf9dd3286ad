package dev.mysqlsts;

/**
 * Which pods a {@link Faults#schedule(long, java.time.Duration, ChaosOptions) schedule} aims its faults at. The
 * leader is the leader of the moment each fault fires, so a schedule keeps aiming at it across fail-overs.
 *
 * <pre>{@code faults.schedule(7, Duration.ofMinutes(1), ChaosOptions.mix().targets(Targets.LEADER));}</pre>
 */
public enum Targets {
    /** Any pod, the leader included (what {@link Faults#schedule(long, java.time.Duration)} does). */
    ALL,
    /** Only the leader of the moment: kinds that cannot hit a leader ({@code stopReplication}...) are not drawn. */
    LEADER,
    /** Only the followers of the moment. */
    FOLLOWERS
}
