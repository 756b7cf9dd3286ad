package dev.mysqlsts.local;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * How long each step of one pod's start took, in the order a StatefulSet pod goes through them: the
 * controller's readiness checks of the pods before it ({@code probe}), its volume's files ({@code copy}: the
 * template or a snapshot, and keeping a clone for a snapshot), the clone init container ({@code clone}), the server until its readiness probe passes
 * ({@code server start}), the sidecar's replication step ({@code sidecar}). Printed in the pod's Ready line and by
 * the startup benchmark, so the time above a bare server start has names.
 */
final class PodPhases {

    static final String PROBE = "probe";
    static final String COPY = "copy";
    static final String CLONE = "clone";
    static final String SERVER_START = "server start";
    static final String SIDECAR = "sidecar";

    private final Map<String, Long> millis = new LinkedHashMap<>();
    private long total;
    private java.time.Instant began;
    private java.time.Instant ready;
    private long residentKib = -1;
    private String origin = "";

    PodPhases() {
        for (String phase : new String[] {PROBE, COPY, CLONE, SERVER_START, SIDECAR}) {
            millis.put(phase, 0L);
        }
    }

    /** Runs a step and adds its duration to the phase. */
    <T> T measure(String phase, java.util.function.Supplier<T> step) {
        long started = System.nanoTime();
        try {
            return step.get();
        } finally {
            add(phase, started);
        }
    }

    void time(String phase, Runnable step) {
        long started = System.nanoTime();
        try {
            step.run();
        } finally {
            add(phase, started);
        }
    }

    private synchronized void add(String phase, long startedNanos) {
        millis.merge(phase, (System.nanoTime() - startedNanos) / 1_000_000, Long::sum);
    }

    synchronized void total(long totalMillis) {
        this.total = totalMillis;
        this.ready = java.time.Instant.now();
    }

    /** Marks the moment the pod's start began (after the controller's checks). */
    synchronized void began() {
        if (began == null) {
            began = java.time.Instant.now();
        }
    }

    synchronized java.time.Instant beganAt() {
        return began;
    }

    synchronized java.time.Instant readyAt() {
        return ready;
    }

    /** How the pod got its data in this start, as its Ready line says. */
    synchronized void origin(String how) {
        this.origin = how;
    }

    synchronized String origin() {
        return origin;
    }

    synchronized void residentKib(long kib) {
        this.residentKib = kib;
    }

    synchronized long total() {
        return total;
    }

    synchronized long millis(String phase) {
        return millis.getOrDefault(phase, 0L);
    }

    /** The server's resident memory (VmRSS) once Ready, in KiB; -1 when unknown. */
    synchronized long residentKib() {
        return residentKib;
    }

    @Override
    public synchronized String toString() {
        return millis.entrySet().stream().map(e -> e.getKey() + " " + e.getValue() + " ms")
                .collect(Collectors.joining(", "))
                + (residentKib < 0 ? "" : ", RSS " + (residentKib / 1024) + " MiB");
    }
}
