package dev.mysqlsts.chaos;

import dev.mysqlsts.ChaosOptions;
import dev.mysqlsts.Ledger;
import dev.mysqlsts.MySqlCluster;
import dev.mysqlsts.faults.FaultHistory;
import dev.mysqlsts.faults.FaultsController;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.WeakHashMap;
import java.util.function.BiConsumer;
import org.apiguardian.api.API;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chaos side of one cluster's current test method: its {@link Ledger}, its fault schedule and seed, and the
 * timeline written when it ends. One per cluster ({@link #of}); the JUnit extension begins and finishes each test.
 */
@API(status = API.Status.INTERNAL)
public final class Experiment {

    private static final Logger LOG = LoggerFactory.getLogger(Experiment.class);
    /** The system property or JUnit configuration parameter that replays a schedule. */
    public static final String SEED_PROPERTY = "mysqlsts.chaos.seed";
    private static final Map<MySqlCluster, Experiment> ALL = Collections.synchronizedMap(new WeakHashMap<>());

    private final MySqlCluster cluster;
    private String className = "NoTest";
    private String fileName = "no-test";
    private String testName = "(no test)";
    private Instant began = Instant.now();
    private OptionalLong seedOverride = OptionalLong.empty();
    private LedgerWorkload ledger;
    private ChaosSchedule schedule;
    private Path timeline;
    private Path reproduction;

    private Experiment(MySqlCluster cluster) {
        this.cluster = cluster;
    }

    /** The experiment of this cluster. */
    public static Experiment of(MySqlCluster cluster) {
        synchronized (ALL) {
            return ALL.computeIfAbsent(cluster, Experiment::new);
        }
    }

    /**
     * Forgets the cluster's experiment (its class ended): the registry would otherwise keep the cluster alive, since
     * the experiment refers to it.
     */
    public static void forget(MySqlCluster cluster) {
        Experiment gone;
        synchronized (ALL) {
            gone = ALL.remove(cluster);
        }
        if (gone != null) {
            gone.stopSchedule();
            LedgerWorkload workload;
            synchronized (gone) {
                workload = gone.ledger;
            }
            if (workload != null) {
                workload.halt();
            }
        }
    }

    /**
     * A test method begins: a new ledger, no schedule.
     *
     * @param className  the test class's name, the timeline's directory
     * @param fileName   the timeline's file name without extension (the method, and its invocation if repeated)
     * @param testName   for messages
     * @param seed       the value of {@value #SEED_PROPERTY}, if given: it replaces the seed of every schedule
     */
    public synchronized void beginTest(String className, String fileName, String testName, Optional<String> seed) {
        this.className = className;
        this.fileName = fileName;
        this.testName = testName;
        this.began = Instant.now();
        this.ledger = null;
        this.schedule = null;
        this.timeline = null;
        this.reproduction = null;
        this.seedOverride = seed.filter(s -> !s.isBlank()).map(s -> {
            try {
                return OptionalLong.of(Long.parseLong(s.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(SEED_PROPERTY + "=" + s + " is not a number: give the seed a "
                        + "failed run printed, for example -D" + SEED_PROPERTY + "=42", e);
            }
        }).orElse(OptionalLong.empty());
    }

    /** The ledger of the current test method (the same object until the next test begins). */
    public synchronized Ledger ledger() {
        if (ledger == null) {
            ledger = new LedgerWorkload(cluster, history(), this::seed, testName);
        }
        return ledger;
    }

    /**
     * Starts a schedule (replacing one that runs): the faults of {@code seed}, or of {@value #SEED_PROPERTY} when
     * given, drawn as the options say.
     *
     * @param lift undoes one fault of the schedule that the Faults API can only undo with all the others (isolate,
     *             partition, cut, client-bandwidth, client-blackhole, client-refuse), given its kind and pods, and keeps
     *             every other fault in force
     */
    public void schedule(long seed, Duration length, ChaosOptions options, BiConsumer<String, List<Integer>> lift) {
        String call = "faults.schedule(" + seed + ", " + length + ", " + options + ")";
        if (length == null || length.isNegative() || length.isZero()) {
            throw new IllegalArgumentException(call + ": give a positive length, for example Duration.ofSeconds(30)");
        }
        List<ChaosKind> mix = ChaosKind.mix(call, options);
        ChaosSchedule previous;
        ChaosSchedule next;
        synchronized (this) {
            previous = schedule;
            long used = seedOverride.orElse(seed);
            List<ChaosPlan.Step> plan;
            try {
                plan = ChaosPlan.plan(used, length, cluster.replicas(), cluster.leader().ordinal(), mix,
                        options.targets(), options.atOnce());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(call + ": " + e.getMessage(), e);
            }
            next = new ChaosSchedule(used, length, plan, options.atOnce(), cluster.faults(), cluster, history(), lift,
                    options.failoverCode().orElse(c -> { }));
            schedule = next;
            LOG.info("chaos schedule of {}: seed {}{} over {} s, {}, {} faults, plan {}: {} (replay: -D{}={})", testName,
                    used, used != seed ? " (from " + SEED_PROPERTY + ", instead of " + seed + ")" : "",
                    length.toSeconds(), options, plan.size(), ChaosPlan.fingerprint(plan), firstSteps(plan),
                    SEED_PROPERTY, used);
            LOG.debug("chaos plan {} of {}: {}", ChaosPlan.fingerprint(plan), testName, plan);
        }
        if (previous != null) {
            previous.stop();
        }
        next.start();
    }

    /** The plan as the start line shows it: a long soak's plan is hundreds of steps, each logged as it fires. */
    private static String firstSteps(List<ChaosPlan.Step> plan) {
        int shown = 12;
        return plan.size() <= shown ? plan.toString() : plan.subList(0, shown).toString().replaceFirst("]$", "")
                + ", ... " + (plan.size() - shown) + " more (each logged as it fires; the whole plan at DEBUG)]";
    }

    /** The seed of the schedule that ran in this test, if one did. */
    public synchronized OptionalLong seed() {
        return schedule == null ? OptionalLong.empty() : OptionalLong.of(schedule.seed());
    }

    /** Whether a schedule of the current test still runs (some lane has steps left). */
    public synchronized boolean scheduleRunning() {
        return schedule != null && schedule.running();
    }

    /** Stops the schedule, if one runs (the end of the test, before the faults are healed). */
    public void stopSchedule() {
        ChaosSchedule running;
        synchronized (this) {
            running = schedule;
        }
        if (running != null && running.running()) {
            running.stop();
        }
    }

    /**
     * The test method ended: stops the schedule and a ledger the test did not stop, and writes the timeline when the
     * test used faults or a ledger.
     *
     * @return the timeline's path, if one was written
     */
    public Optional<Path> finish() {
        stopSchedule();
        LedgerWorkload workload;
        synchronized (this) {
            workload = ledger;
        }
        if (workload != null && workload.halt()) {
            LOG.warn("the ledger of {} was still running when the test ended: its clients were stopped without a "
                    + "verdict (call ledger.stop() in the test to get one)", testName);
        }
        FaultHistory history = history();
        boolean used = !history.faults().isEmpty() || !history.markers().isEmpty()
                || (workload != null && workload.wasStarted());
        if (!used) {
            return Optional.empty();
        }
        Path path = Path.of("target", "mysqlsts", className, fileName + ".html");
        try {
            new Timeline(cluster, testName, began, Instant.now(), history, workload, seed(), reproduction())
                    .write(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the timeline of " + testName + " to " + path.toAbsolutePath(), e);
        }
        boolean first;
        synchronized (this) {
            first = timeline == null;
            timeline = path.toAbsolutePath();
        }
        if (first) {
            LOG.info("timeline of {}: {}", testName, path.toAbsolutePath());
        }
        return Optional.of(path.toAbsolutePath());
    }

    /** The test's reproduction bundle was written there: the timeline written next names it. */
    public synchronized void reproductionWritten(Path directory) {
        reproduction = directory;
    }

    private synchronized Optional<Path> reproduction() {
        return Optional.ofNullable(reproduction);
    }

    /** What a failing test's message gains: the seed to replay and the timeline to look at; empty when neither. */
    public synchronized String failureNote() {
        StringBuilder note = new StringBuilder();
        seed().ifPresent(s -> note.append("chaos seed ").append(s).append(" (replay: -D").append(SEED_PROPERTY)
                .append('=').append(s).append(')'));
        if (timeline != null) {
            note.append(note.length() > 0 ? "; " : "").append("timeline: ").append(timeline);
        }
        return note.toString();
    }

    private FaultHistory history() {
        return ((FaultsController) cluster.faults()).record();
    }
}
