package dev.mysqlsts.local;

import dev.mysqlsts.manifest.ClusterSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.KeyToPath;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fills a pod's conf.d as its init container does (the seed's {@code init-mysql}): runs the container's own command
 * with bash on this host, as the kubelet would, with {@code HOSTNAME} (and the hostname) set to the pod's name, the
 * container's environment, and each {@code volumeMount} path bound to the pod's directory for that volume (the conf.d
 * emptyDir is the pod's {@code conf.d/}, a ConfigMap volume its files, translated for this server so that a {@code cp}
 * copies what the server accepts). Whatever the script writes is the config; a failing script fails the pod with its
 * exit code and output. The harness's promotion model then swaps the role's ConfigMap file when a pod's role is not
 * the one its ordinal gives (a promoted follower gets the leader's file).
 *
 * <p>Without such an init container the harness writes what the seed's would: server-id 100 + ordinal and the role's
 * ConfigMap file.
 *
 * <pre>{@code
 * ConfigInitRunner init = ConfigInitRunner.of(spec, clusterDir, translator, leaderText, followerText, timeout);
 * init.fill(podDirectory, ordinal, leaderRole);
 * }</pre>
 */
final class ConfigInitRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigInitRunner.class);
    /** What the seed's init script adds to the ordinal; used only when the pod template has no init container. */
    static final int FALLBACK_SERVER_ID_OFFSET = 100;
    private static final String PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    private static final int OUTPUT_TAIL_LINES = 20;

    private final ClusterSpec spec;
    private final String leaderConfig;
    private final String followerConfig;
    private final Duration timeout;
    private final List<Mount> mounts;
    private final Bubblewrap bubblewrap;
    private final String fingerprint;

    /** What a volume of the init container is on this host. */
    private enum Kind { CONF_D, EMPTY_DIR, CONFIG_MAP }

    /**
     * @param mount   as the container declares it
     * @param kind    the pod's conf.d, a fresh directory per run, or a ConfigMap's files
     * @param hostDir the ConfigMap's files (for {@link Kind#CONFIG_MAP})
     */
    private record Mount(VolumeMount mount, Kind kind, Path hostDir) {}

    private ConfigInitRunner(ClusterSpec spec, String leaderConfig, String followerConfig, Duration timeout,
                             List<Mount> mounts, Bubblewrap bubblewrap, String fingerprint) {
        this.spec = spec;
        this.leaderConfig = leaderConfig;
        this.followerConfig = followerConfig;
        this.timeout = timeout;
        this.mounts = List.copyOf(mounts);
        this.bubblewrap = bubblewrap;
        this.fingerprint = fingerprint;
    }

    /**
     * Prepares the runs of one cluster: the ConfigMaps its init container mounts are written once, translated, under
     * {@code clusterDir/volumes/}; a volume LOCAL cannot give (a Secret, a host path...) fails here, before any pod.
     */
    static ConfigInitRunner of(ClusterSpec spec, Path clusterDir, ConfigTranslator translator, String leaderConfig,
                               String followerConfig, Duration timeout, Optional<String> bwrapSetting) {
        ClusterSpec.ConfigInit init = spec.configInit();
        if (init == null) {
            return new ConfigInitRunner(spec, leaderConfig, followerConfig, timeout, List.of(), null, "emulated");
        }
        Container container = init.container();
        if (command(container).isEmpty()) {
            throw new LocalBackendException("init container " + container.getName() + " of StatefulSet "
                    + spec.statefulSetName() + " has no command: the LOCAL backend runs the command the manifest gives "
                    + "(the image's entrypoint is not on this host). Give it command: [bash, -c, <script>].");
        }
        Bubblewrap bubblewrap = Bubblewrap.locate(bwrapSetting).orElse(null);
        StringBuilder fingerprint = new StringBuilder(container.toString());
        List<Mount> mounts = new ArrayList<>();
        for (VolumeMount mount : container.getVolumeMounts() == null ? List.<VolumeMount>of()
                : container.getVolumeMounts()) {
            Volume volume = init.volumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst()
                    .orElseThrow(() -> new LocalBackendException("init container " + container.getName()
                            + " mounts volume " + mount.getName() + ", which the pod template does not define."));
            if (volume.getName().equals(init.confVolume())) {
                mounts.add(new Mount(mount, Kind.CONF_D, null));
            } else if (volume.getEmptyDir() != null) {
                mounts.add(new Mount(mount, Kind.EMPTY_DIR, null));
            } else if (volume.getConfigMap() != null) {
                Path dir = clusterDir.resolve("volumes").resolve(volume.getName());
                fingerprint.append(materialize(spec, volume, dir, translator));
                mounts.add(new Mount(mount, Kind.CONFIG_MAP, dir));
            } else {
                throw new LocalBackendException("init container " + container.getName() + " mounts volume "
                        + volume.getName() + " (" + volume + "), which the LOCAL backend cannot give it: it gives "
                        + "emptyDir and configMap volumes. Use one of those, or run the K3S backend.");
            }
        }
        if (bubblewrap == null) {
            LOG.warn("StatefulSet {}: bubblewrap (bwrap) is {}, so init container {} runs with this host's "
                    + "bash and its volumes' mount paths ({}) rewritten in its command to the pod's directories: a script "
                    + "that builds those paths at run time, or asks `hostname`, is not followed. Install the package {} "
                    + "for the faithful run (its volumes at their mount paths, HOSTNAME and hostname the pod's).",
                    spec.statefulSetName(), bwrapSetting.isPresent() ? "turned off by " + Bubblewrap.PROPERTY + "=none"
                            : "not installed",
                    container.getName(), mounts.stream().map(m -> m.mount().getMountPath()).collect(Collectors.joining(", ")),
                    Bubblewrap.PACKAGE);
        }
        return new ConfigInitRunner(spec, leaderConfig, followerConfig, timeout, mounts, bubblewrap,
                fingerprint.toString());
    }

    /** What the runs depend on (the container, its ConfigMap files as translated), for the snapshots' shape key. */
    String fingerprint() {
        return fingerprint;
    }

    /** One line for the log: which of the pod template's containers the harness runs and which it emulates. */
    String describe() {
        Container init = spec.configInit() == null ? null : spec.configInit().container();
        List<String> emulated = new ArrayList<>();
        spec.objects().stream().filter(StatefulSet.class::isInstance).map(StatefulSet.class::cast)
                .filter(s -> spec.statefulSetName().equals(s.getMetadata().getName()))
                .flatMap(s -> {
                    PodSpec pod = s.getSpec().getTemplate().getSpec();
                    List<Container> all = new ArrayList<>(pod.getInitContainers() == null ? List.of()
                            : pod.getInitContainers());
                    all.addAll(pod.getContainers());
                    return all.stream();
                })
                .filter(c -> init == null || !c.getName().equals(init.getName()))
                .forEach(c -> emulated.add(c.getName()));
        return (init == null ? "no init container writes the server's conf.d: the harness writes server-id "
                + FALLBACK_SERVER_ID_OFFSET + " + ordinal and the role's ConfigMap file"
                : "runs init container " + init.getName() + " (its own command, " + (bubblewrap != null ? "in bubblewrap"
                : "with bash, its mount paths rewritten: no bubblewrap here") + ")")
                + "; emulated: " + String.join(", ", emulated)
                + " (the server runs on this host's binaries; clone and replication set-up by the harness)";
    }

    /** Fills the pod's conf.d for its start: the init container's run, then the role's file if it differs. */
    void fill(PodDirectory pod, int ordinal, boolean leaderRole) {
        String podName = spec.podName(ordinal);
        if (spec.configInit() == null) {
            ServerConfig.writeConfD(pod, FALLBACK_SERVER_ID_OFFSET + ordinal,
                    leaderRole ? spec.leaderConfig().key() : spec.followerConfig().key(),
                    leaderRole ? leaderConfig : followerConfig);
            return;
        }
        run(pod, podName);
        if (leaderRole != (ordinal == 0) && !spec.leaderConfig().key().equals(spec.followerConfig().key())) {
            swapRoleFile(pod, leaderRole);
        }
    }

    private void run(PodDirectory pod, String podName) {
        Container container = spec.configInit().container();
        List<Bubblewrap.Bind> binds = new ArrayList<>();
        try {
            Directories.deleteRecursively(pod.confD());
            Files.createDirectories(pod.confD());
            Path scratch = pod.root().resolve("volumes");
            Directories.deleteRecursively(scratch);
            for (Mount mount : mounts) {
                Path source = switch (mount.kind()) {
                    case CONF_D -> pod.confD();
                    case EMPTY_DIR -> Files.createDirectories(scratch.resolve(mount.mount().getName()));
                    case CONFIG_MAP -> mount.hostDir();
                };
                String subPath = mount.mount().getSubPath();
                if (subPath != null && !subPath.isEmpty()) {
                    source = source.resolve(subPath);
                }
                boolean readOnly = mount.kind() == Kind.CONFIG_MAP || Boolean.TRUE.equals(mount.mount().getReadOnly());
                binds.add(new Bubblewrap.Bind(source, mount.mount().getMountPath(), readOnly));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not prepare the volumes of " + podName, e);
        }
        Map<String, String> env = new TreeMap<>();
        env.put("PATH", PATH);
        env.putAll(environment(container, podName));
        env.put("HOSTNAME", podName);
        String workingDir = container.getWorkingDir() == null ? "/" : container.getWorkingDir();
        List<String> command = bubblewrap != null ? bubblewrap.command(podName, binds, env, workingDir, command(container))
                : MountPathRewrite.command(binds, command(container));
        Path output = pod.root().resolve("init-" + container.getName() + ".log");
        long started = System.nanoTime();
        int exit = execute(command, bubblewrap != null ? Map.of() : env, output, podName, container.getName());
        if (exit != 0) {
            throw new LocalBackendException("pod " + podName + ": init container " + container.getName()
                    + " exited with code " + exit + " (its command ran with this host's programs, as the kubelet runs "
                    + "it: HOSTNAME=" + podName + ", its env, its volumes at their mount paths). Last lines of its "
                    + "output (" + output + "):\n" + Commands.tail(output, OUTPUT_TAIL_LINES)
                    + "Fix the script, or run the K3S backend to see it in its own image.");
        }
        LOG.debug("pod {}: init container {} ran in {} ms", podName, container.getName(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        // its output joins the pod's console log; its other emptyDirs were its alone (no other container runs here)
        try {
            Files.writeString(pod.consoleLog(), "--- init container " + container.getName() + " ---\n"
                    + Files.readString(output, StandardCharsets.ISO_8859_1), StandardCharsets.ISO_8859_1,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            Files.delete(output);
        } catch (IOException e) {
            throw new UncheckedIOException("could not append " + output + " to " + pod.consoleLog(), e);
        }
        Directories.deleteRecursively(pod.root().resolve("volumes"));
    }

    /** Runs the command with only {@code env} (bwrap sets its own, given on its command line) when that is not empty. */
    private int execute(List<String> command, Map<String, String> env, Path output, String podName, String container) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile());
            if (!env.isEmpty()) {
                builder.environment().clear();
                builder.environment().putAll(env);
            }
            Process process = builder.start();
            process.getOutputStream().close();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new LocalBackendException("pod " + podName + ": init container " + container
                        + " did not finish within " + timeout.toSeconds() + " s (mysqlsts.startupTimeout). Last lines "
                        + "of its output (" + output + "):\n" + Commands.tail(output, OUTPUT_TAIL_LINES));
            }
            return process.exitValue();
        } catch (IOException e) {
            throw new LocalBackendException("pod " + podName + ": could not run init container " + container + ": "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LocalBackendException("interrupted while pod " + podName + " ran init container " + container, e);
        }
    }

    /** The harness's promotion model: the file of the pod's role in place of the one of its ordinal's. */
    private void swapRoleFile(PodDirectory pod, boolean leaderRole) {
        ClusterSpec.ConfigFile wanted = leaderRole ? spec.leaderConfig() : spec.followerConfig();
        ClusterSpec.ConfigFile other = leaderRole ? spec.followerConfig() : spec.leaderConfig();
        try {
            Files.deleteIfExists(pod.confD().resolve(other.key()));
            Files.writeString(pod.confD().resolve(wanted.key()), leaderRole ? leaderConfig : followerConfig);
        } catch (IOException e) {
            throw new UncheckedIOException("could not write " + pod.confD(), e);
        }
    }

    /** The container's literal env, its fieldRef metadata.name/namespace and status.podIP, its ConfigMap refs. */
    private Map<String, String> environment(Container container, String podName) {
        Map<String, String> env = new LinkedHashMap<>();
        for (EnvFromSource from : container.getEnvFrom() == null ? List.<EnvFromSource>of() : container.getEnvFrom()) {
            if (from.getConfigMapRef() != null) {
                String prefix = from.getPrefix() == null ? "" : from.getPrefix();
                configMap(from.getConfigMapRef().getName()).ifPresent(cm -> data(cm)
                        .forEach((key, value) -> env.put(prefix + key, value)));
            }
        }
        for (EnvVar var : container.getEnv() == null ? List.<EnvVar>of() : container.getEnv()) {
            if (var.getValue() != null) {
                env.put(var.getName(), var.getValue());
            } else if (var.getValueFrom() != null && var.getValueFrom().getFieldRef() != null) {
                String field = var.getValueFrom().getFieldRef().getFieldPath();
                env.put(var.getName(), switch (field) {
                    case "metadata.name" -> podName;
                    case "metadata.namespace" -> "default";
                    case "status.podIP", "status.hostIP" -> "127.0.0.1";
                    default -> "";
                });
            } else if (var.getValueFrom() != null && var.getValueFrom().getConfigMapKeyRef() != null) {
                var ref = var.getValueFrom().getConfigMapKeyRef();
                configMap(ref.getName()).map(cm -> data(cm).get(ref.getKey()))
                        .ifPresent(value -> env.put(var.getName(), value));
            }
        }
        return env;
    }

    private Optional<ConfigMap> configMap(String name) {
        return configMap(spec, name);
    }

    private static Optional<ConfigMap> configMap(ClusterSpec spec, String name) {
        return spec.objects().stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast)
                .filter(cm -> cm.getMetadata() != null && name.equals(cm.getMetadata().getName())).findFirst();
    }

    private static Map<String, String> data(ConfigMap configMap) {
        return configMap.getData() == null ? Map.of() : configMap.getData();
    }

    /** Writes a ConfigMap volume's files (its items, or every key) into {@code dir}; returns what was written. */
    private static String materialize(ClusterSpec spec, Volume volume, Path dir, ConfigTranslator translator) {
        String name = volume.getConfigMap().getName();
        ConfigMap configMap = configMap(spec, name).orElseThrow(() -> new LocalBackendException("volume "
                + volume.getName() + " names ConfigMap " + name + ", which the manifests do not define."));
        Map<String, String> files = new TreeMap<>();
        List<KeyToPath> items = volume.getConfigMap().getItems();
        if (items == null || items.isEmpty()) {
            data(configMap).forEach((key, value) -> files.put(key, value));
        } else {
            items.forEach(item -> files.put(item.getPath(), data(configMap).getOrDefault(item.getKey(), "")));
        }
        StringBuilder written = new StringBuilder();
        try {
            Directories.deleteRecursively(dir);
            Files.createDirectories(dir);
            for (Map.Entry<String, String> file : files.entrySet()) {
                String text = translator.translate(new ClusterSpec.ConfigFile(file.getKey(), file.getValue())).text();
                Path target = dir.resolve(file.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, text, StandardCharsets.UTF_8);
                written.append('\n').append(file.getKey()).append('\n').append(text);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not write ConfigMap " + name + " into " + dir, e);
        }
        return written.toString();
    }

    private static List<String> command(Container container) {
        List<String> command = new ArrayList<>();
        if (container.getCommand() != null) {
            command.addAll(container.getCommand());
        }
        if (container.getArgs() != null) {
            command.addAll(container.getArgs());
        }
        return command;
    }
}
