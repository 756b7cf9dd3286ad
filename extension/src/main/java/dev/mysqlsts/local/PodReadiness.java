package dev.mysqlsts.local;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.awaitility.core.TerminalFailureException;

/**
 * One pod's readiness: its {@link ReadinessProbe} run once (inside the pod: on the server's own port), the wait
 * for a just started server's first pass (failing at once when it exits, or when a server that is not this pod's
 * answers on its port), the wait for Ready through crash restarts, and the fault that breaks it.
 */
final class PodReadiness {

    private final PodEnvironment env;
    private final String name;
    private final PodDirectory dir;
    private volatile boolean broken;

    PodReadiness(PodEnvironment env, String name, PodDirectory dir) {
        this.env = env;
        this.name = name;
        this.dir = dir;
    }

    /** Runs the probe once against the server that serves, over {@code adminUrl}. */
    boolean isReady(ServerProcess serving, Supplier<String> adminUrl) {
        return !broken && serving != null && serving.isAlive() && env.probe().passes(adminUrl.get());
    }

    /** Makes the probe fail while the server keeps running, or lets it run again. */
    void breakReadiness(boolean broken) {
        this.broken = broken;
    }

    /**
     * Waits until {@code ready} holds, through crash restarts; fails with the probe and the error log's tail, at once
     * when {@code crashLooping} says the supervisor gave up restarting the pod.
     */
    void awaitReady(Duration timeout, BooleanSupplier ready, BooleanSupplier crashLooping) {
        try {
            Awaitility.await(name + " readiness").atMost(timeout)
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(ReadinessProbe.STARTUP_POLL_MS))
                    .failFast(name + " is in CrashLoopBackOff", crashLooping::getAsBoolean)
                    .until(ready::getAsBoolean);
        } catch (TerminalFailureException e) {
            throw notReady("the supervisor gave up restarting it after " + CrashSupervisor.MAX_CRASH_RESTARTS
                    + " failed starts", e);
        } catch (ConditionTimeoutException e) {
            throw notReady("it is not Ready after " + timeout.toSeconds() + " s"
                    + (broken ? " (its readiness was broken by faults.breakReadiness)" : ""), e);
        }
    }

    /** Waits until a just started server on {@code port} passes the probe; fails at once if it exits first. */
    void awaitStarted(ServerProcess started, String adminUrl, int port, Duration timeout) {
        try {
            Awaitility.await(name + " start").atMost(timeout)
                    .pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(ReadinessProbe.STARTUP_POLL_MS))
                    .failFast(name + " exited", () -> !started.isAlive())
                    .until(() -> switch (env.probe().check(adminUrl)) {
                        case READY -> true;
                        case NOT_READY -> false;
                        case FOREIGN_SERVER -> throw new ForeignServer(port);
                    });
        } catch (ForeignServer e) {
            throw new ForeignServer(notReady("port " + e.port + " answers but refuses the cluster's admin secret "
                    + "(error " + ReadinessProbe.ACCESS_DENIED + "): the server there is not this pod's (another "
                    + "cluster's server took the port?), or the ConfigMap overrides the harness's init-file option", e), e.port);
        } catch (TerminalFailureException e) {
            throw notReady("the server exited with code " + started.exitCode() + " before its probe passed", e);
        } catch (ConditionTimeoutException e) {
            throw notReady("it did not start within " + timeout.toSeconds() + " s", e);
        }
    }

    /** A server that is not this pod's answered on the pod's port. */
    static final class ForeignServer extends LocalBackendException {
        private static final long serialVersionUID = 1L;
        private final int port;

        ForeignServer(int port) {
            super("a foreign server answers on port " + port);
            this.port = port;
        }

        ForeignServer(LocalBackendException described, int port) {
            super(described.getMessage(), described.getCause());
            this.port = port;
        }
    }

    private LocalBackendException notReady(String why, Exception cause) {
        return new LocalBackendException("pod " + name + ": " + why + ". Probe: " + env.probe() + ".\nLast lines of "
                + dir.errorLog() + ":\n" + Commands.tail(dir.errorLog(), 25), cause);
    }
}
